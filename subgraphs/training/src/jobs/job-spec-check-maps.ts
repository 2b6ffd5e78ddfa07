/** Checks of the spec's nested fields: env, hyperparameters, inputs and resources. */
import type { HyperparameterValue, JobSpecInput, JobSpecResources } from './job-spec.js';
import { field, mapping, notAString, numberIn, text, type Findings } from './job-spec-findings.js';
import {
  FIELD_ALIASES,
  hyperparameterEnvName,
  INPUT_FIELDS,
  LIMITS,
  NUMBER_RULES,
  PATTERNS,
  RENDEZVOUS_ENV,
  RESERVED_ENV_PREFIXES,
  RESOURCE_FIELDS,
  shown,
} from './job-spec-rules.js';

const RESERVED_BECAUSE: Record<(typeof RESERVED_ENV_PREFIXES)[number], string> = {
  AITIP_:
    'variables starting with AITIP_ are set by the platform (see "What a job sees" in docs/training.md); choose another name, and put tunable values in hyperparameters',
  MLFLOW_:
    "variables starting with MLFLOW_ are set by the platform so that MLflow clients log to the job's run; remove it",
};

/** Why the platform owns an env name, or undefined when the job may set it. */
function reservedBecause(name: string): string | undefined {
  const prefix = RESERVED_ENV_PREFIXES.find((candidate) => name.startsWith(candidate));
  if (prefix) return RESERVED_BECAUSE[prefix];
  if (RENDEZVOUS_ENV.includes(name)) {
    return `${name} is set by the platform for every worker (the rendezvous variables torchrun sets); remove it, and set workers for distributed training`;
  }
  return undefined;
}

export function checkEnv(value: unknown, findings: Findings): Record<string, string> | undefined {
  const env = mapping(value, ['env'], findings, 'a mapping of variable names to strings, e.g. {LOG_LEVEL: debug}');
  if (!env) return undefined;
  const start = findings.list.length;
  for (const [name, item] of Object.entries(env)) {
    if (!PATTERNS.envName.test(name)) {
      findings.add(
        ['env', name],
        `"${name}" is not a variable name: use letters, digits and "_", not starting with a digit`,
        {
          on: 'key',
        },
      );
      continue;
    }
    const reserved = reservedBecause(name);
    if (reserved) findings.add(['env', name], reserved, { on: 'key' });
    else if (typeof item !== 'string') findings.add(['env', name], notAString(item, ' (write "" for an empty value)'));
  }
  return findings.list.length === start ? (env as Record<string, string>) : undefined;
}

/** The text MLflow records for a hyperparameter as a run param. */
const paramText = (value: HyperparameterValue): string => String(value);

export function checkHyperparameters(
  value: unknown,
  findings: Findings,
): Record<string, HyperparameterValue> | undefined {
  const hp = mapping(value, ['hyperparameters'], findings, 'a mapping of names to values, e.g. {epochs: 60, lr: 0.05}');
  if (!hp) return undefined;
  const start = findings.list.length;
  const names = Object.keys(hp);
  if (names.length > LIMITS.hyperparameterCount) {
    findings.add(
      ['hyperparameters'],
      `has ${names.length} entries; at most ${LIMITS.hyperparameterCount} are allowed, as each becomes a run param`,
      { on: 'key' },
    );
  }
  const byEnvName = new Map<string, string>();
  for (const [name, item] of Object.entries(hp)) {
    const segments = ['hyperparameters', name];
    if (!PATTERNS.hyperparameterName.test(name) || name.length > LIMITS.hyperparameterNameLength) {
      findings.add(
        segments,
        `"${shown(name).slice(1, -1)}" is not a hyperparameter name: use letters, digits, "_", "." and "-", starting with a letter or "_", at most ${LIMITS.hyperparameterNameLength} characters`,
        { on: 'key' },
      );
      continue;
    }
    const envName = hyperparameterEnvName(name);
    const clash = byEnvName.get(envName);
    if (clash !== undefined) {
      findings.add(segments, `becomes ${envName}, as "${clash}" does; rename one of them`, { on: 'key' });
    }
    byEnvName.set(envName, name);
    if (typeof item === 'number' && !Number.isFinite(item)) {
      findings.add(segments, `must be a finite number; got ${shown(item)}`);
    } else if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      findings.add(segments, `must be a string, a number or true/false; got ${shown(item)}`);
    } else if ([...paramText(item)].length > LIMITS.hyperparameterValueLength) {
      findings.add(
        segments,
        `is ${[...paramText(item)].length} characters long; a run param holds at most ${LIMITS.hyperparameterValueLength}, so put larger values in a file`,
      );
    }
  }
  if (findings.list.length > start) return undefined;
  const bytes = Buffer.byteLength(JSON.stringify(hp));
  if (bytes > LIMITS.hyperparametersJsonBytes) {
    findings.add(
      ['hyperparameters'],
      `take ${bytes} bytes as JSON; at most ${LIMITS.hyperparametersJsonBytes} fit, because they are passed in environment variables; put large values in a file in the code or in a dataset`,
      { on: 'key' },
    );
    return undefined;
  }
  return hp as Record<string, HyperparameterValue>;
}

function checkVersion(
  value: unknown,
  segments: Array<string | number>,
  findings: Findings,
): number | 'latest' | undefined {
  if (value === undefined || value === 'latest') return 'latest';
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  findings.add(segments, `must be a version number (1, 2, ...) or "latest"; got ${shown(value)}`);
  return undefined;
}

export function checkInputs(value: unknown, findings: Findings): JobSpecInput[] | undefined {
  if (!Array.isArray(value)) {
    findings.add(
      ['inputs'],
      `must be a list of dataset inputs, e.g. [{name: iris, dataset: iris, version: latest}]; got ${shown(value)}`,
    );
    return undefined;
  }
  const start = findings.list.length;
  const inputs: JobSpecInput[] = [];
  const seen = new Map<string, number>();
  value.forEach((raw: unknown, index) => {
    const at = ['inputs', index];
    const item = mapping(raw, at, findings, 'a mapping such as {name: iris, dataset: iris, version: latest}');
    if (!item) return;
    findings.unknownFields(item, at, INPUT_FIELDS, FIELD_ALIASES['inputs[]']);
    const rawName = field(item, 'name');
    const rawDataset = field(item, 'dataset');
    let name: string | undefined;
    if (rawName === undefined) {
      findings.add(
        [...at, 'name'],
        'required: the directory under $AITIP_DATA_DIR to mount the dataset at, e.g. "iris"',
        {
          at,
        },
      );
    } else {
      name = text(
        rawName,
        [...at, 'name'],
        findings,
        `a directory name of lower-case letters, digits, ".", "_" and "-", starting with a letter or digit, at most ${LIMITS.inputNameLength} characters`,
        { pattern: PATTERNS.inputName, maxLength: LIMITS.inputNameLength },
      );
    }
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) {
        findings.add([...at, 'name'], `"${name}" is the name of inputs[${first}] too; give each input its own name`);
      } else {
        seen.set(name, index);
      }
    }
    let dataset: string | undefined;
    if (rawDataset === undefined) {
      findings.add([...at, 'dataset'], 'required: the dataset\'s name, e.g. "iris"', { at });
    } else {
      dataset = text(rawDataset, [...at, 'dataset'], findings, "a dataset's name");
    }
    const version = checkVersion(field(item, 'version'), [...at, 'version'], findings);
    if (name !== undefined && dataset !== undefined && version !== undefined) inputs.push({ name, dataset, version });
  });
  return findings.list.length === start ? inputs : undefined;
}

export function checkResources(value: unknown, findings: Findings): JobSpecResources | undefined {
  const raw = mapping(value, ['resources'], findings, 'a mapping such as {cpu: 1, memoryMiB: 2048, gpus: 0}');
  if (!raw) return undefined;
  const start = findings.list.length;
  findings.unknownFields(raw, ['resources'], RESOURCE_FIELDS, FIELD_ALIASES['resources']);
  const resources: JobSpecResources = {};
  const cpu = field(raw, 'cpu');
  if (cpu !== undefined)
    resources.cpu = numberIn(cpu, ['resources', 'cpu'], findings, NUMBER_RULES.cpu, 'cores as a number, e.g. 0.5');
  const memory = field(raw, 'memoryMiB');
  if (memory !== undefined) {
    resources.memoryMiB = numberIn(
      memory,
      ['resources', 'memoryMiB'],
      findings,
      NUMBER_RULES.memoryMiB,
      'MiB as a number, e.g. 2048 for 2 GiB',
    );
  }
  const gpus = field(raw, 'gpus');
  if (gpus !== undefined) resources.gpus = numberIn(gpus, ['resources', 'gpus'], findings, NUMBER_RULES.gpus);
  const gpuType = field(raw, 'gpuType');
  if (gpuType !== undefined) {
    resources.gpuType = text(gpuType, ['resources', 'gpuType'], findings, 'a GPU model such as "nvidia-a100"');
  }
  return findings.list.length === start ? resources : undefined;
}
