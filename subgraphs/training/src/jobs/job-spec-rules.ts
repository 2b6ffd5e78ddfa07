/**
 * The job spec's vocabulary: field names, enums, limits and patterns. The validator reads them from
 * here and the test that compares `job-spec.schema.json` with the validator reads them too, so the
 * published schema cannot drift from what the platform accepts.
 */
import { rendezvousEnv } from '../executors/executor.js';

export const JOB_SPEC_FIELDS = [
  'name',
  'experiment',
  'backend',
  'image',
  'runtime',
  'code',
  'command',
  'args',
  'env',
  'hyperparameters',
  'inputs',
  'resources',
  'workers',
  'priorityClass',
  'timeoutSeconds',
  'maxRetries',
  'retryOnUserError',
  'network',
  'registerModel',
] as const;
export const JOB_SPEC_REQUIRED = ['name', 'command'] as const;
export const CODE_FIELDS = ['path', 'archiveId'] as const;
export const INPUT_FIELDS = ['name', 'dataset', 'version'] as const;
export const INPUT_REQUIRED = ['name', 'dataset'] as const;
export const RESOURCE_FIELDS = ['cpu', 'memoryMiB', 'gpus', 'gpuType'] as const;

export const BACKENDS = ['local', 'docker', 'kubernetes'] as const;
export const RUNTIMES = ['python3', 'node'] as const;

/** Inclusive bounds unless `exclusiveMinimum`; `integer` when only whole numbers are allowed. */
export interface NumberRule {
  integer: boolean;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
}

export const NUMBER_RULES = {
  cpu: { integer: false, exclusiveMinimum: 0, maximum: 256 },
  memoryMiB: { integer: true, minimum: 16 },
  gpus: { integer: true, minimum: 0, maximum: 16 },
  workers: { integer: true, minimum: 1, maximum: 64 },
  timeoutSeconds: { integer: true, minimum: 1, maximum: 604800 },
  maxRetries: { integer: true, minimum: 0, maximum: 10 },
} satisfies Record<string, NumberRule>;

export const LIMITS = {
  nameLength: 63,
  // the experiments subgraph refuses longer experiment names
  experimentLength: 500,
  inputNameLength: 63,
  priorityClassLength: 63,
  // MLflow's limits on a run param, which every hyperparameter becomes
  hyperparameterCount: 100,
  hyperparameterNameLength: 250,
  hyperparameterValueLength: 6000,
  // they travel in AITIP_HYPERPARAMETERS and again as arguments; Linux refuses one variable over 128 KiB
  hyperparametersJsonBytes: 65536,
};

export const PATTERNS = {
  name: /^[a-z][a-z0-9-]*$/,
  envName: /^[A-Za-z_][A-Za-z0-9_]*$/,
  hyperparameterName: /^[A-Za-z_][A-Za-z0-9_.-]*$/,
  inputName: /^[a-z0-9][a-z0-9._-]*$/,
  // a Kubernetes PriorityClass name is a DNS label on that backend
  priorityClass: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
  image: /^\S+$/,
};

/** Prefixes of variables the platform sets for every job (docs/training.md, "What a job sees"). */
export const RESERVED_ENV_PREFIXES = ['AITIP_', 'MLFLOW_'] as const;
/** The rendezvous variables torchrun sets, which every worker gets from the executor. */
export const RENDEZVOUS_ENV = Object.keys(rendezvousEnv('localhost', 1, 0, 1, true)).sort();

/** Misnamed fields people write, mapped to what they meant (a dotted path when it lives elsewhere). */
export const FIELD_ALIASES: Record<string, Record<string, string>> = {
  '': {
    cmd: 'command',
    entrypoint: 'command',
    arguments: 'args',
    environment: 'env',
    params: 'hyperparameters',
    hparams: 'hyperparameters',
    datasets: 'inputs',
    dataset: 'inputs',
    data: 'inputs',
    retries: 'maxRetries',
    retry: 'maxRetries',
    replicas: 'workers',
    nodes: 'workers',
    priority: 'priorityClass',
    model: 'registerModel',
    cpu: 'resources.cpu',
    cpus: 'resources.cpu',
    memory: 'resources.memoryMiB',
    memorymib: 'resources.memoryMiB',
    gpu: 'resources.gpus',
    gpus: 'resources.gpus',
    gputype: 'resources.gpuType',
  },
  resources: { cpus: 'cpu', memory: 'memoryMiB', mem: 'memoryMiB', gpu: 'gpus', gpumodel: 'gpuType' },
  'inputs[]': { path: 'name', dir: 'name', revision: 'version', datasetversion: 'version' },
  code: { dir: 'path', directory: 'path', archive: 'archiveId', id: 'archiveId' },
};

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The known name `word` most likely stands for, or undefined when nothing is close. A word that a
 * known name contains or starts like counts as close, so `timeout` finds `timeoutSeconds`.
 */
export function closestName(
  word: string,
  known: readonly string[],
  aliases: Record<string, string> = {},
): string | undefined {
  const lower = word.toLowerCase();
  if (Object.hasOwn(aliases, lower)) return aliases[lower];
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const candidate = name.toLowerCase();
    const distance = editDistance(lower, candidate);
    const close =
      distance <= Math.max(1, Math.floor(Math.max(lower.length, candidate.length) / 3)) ||
      (lower.length >= 3 && (candidate.includes(lower) || lower.includes(candidate))) ||
      (lower.length >= 4 && candidate.startsWith(lower.slice(0, 4)));
    if (close && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** A value as an error message shows it after "got". */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return isMapping(value) ? 'a mapping' : 'a value of another kind';
  return String(value);
}

/**
 * A YAML mapping or JSON object. Instances of GraphQL input classes count too; dates, maps and
 * byte arrays do not.
 */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/** `inputs[0].name`, `env.HOME`, `hyperparameters["lr.max"]`. */
export function problemPath(segments: ReadonlyArray<string | number>): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) path += path ? `.${segment}` : segment;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** `AITIP_HP_<NAME>`: upper case, each character other than a letter or digit as `_`. */
export function hyperparameterEnvName(name: string): string {
  return `AITIP_HP_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
