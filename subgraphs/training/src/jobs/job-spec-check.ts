/**
 * The structural checks of a job spec in its JSON form. Every problem is collected (a user fixes a
 * file once, not once per problem) and the spec comes back with its defaults only when there is none.
 */
import type { ExecutorBackend } from '../executors/executor.js';
import type { JobRuntime, JobSpec, JobSpecCode } from './job-spec.js';
import { checkEnv, checkHyperparameters, checkInputs, checkResources } from './job-spec-check-maps.js';
import { field, Findings, flag, mapping, numberIn, stringList, text, type Finding } from './job-spec-findings.js';
import {
  BACKENDS,
  closestName,
  CODE_FIELDS,
  FIELD_ALIASES,
  isMapping,
  JOB_SPEC_FIELDS,
  LIMITS,
  NUMBER_RULES,
  PATTERNS,
  RUNTIMES,
  shown,
} from './job-spec-rules.js';

export type { Finding } from './job-spec-findings.js';

/** `My Job_2` → `my-job-2`: what to suggest for a name that breaks the rule. */
function nameLike(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, LIMITS.nameLength);
}

function checkName(value: unknown, findings: Findings): string | undefined {
  if (value === undefined) {
    findings.add(['name'], 'required: name the job, e.g. "iris-pytorch"', { at: [] });
    return undefined;
  }
  if (typeof value === 'string' && PATTERNS.name.test(value) && value.length <= LIMITS.nameLength) return value;
  const better = typeof value === 'string' ? nameLike(value) : '';
  const suggestion = better && better !== value ? `; did you mean "${better}"?` : '';
  findings.add(
    ['name'],
    `must be 1 to ${LIMITS.nameLength} lower-case letters, digits and "-", starting with a letter; got ${shown(value)}${suggestion}`,
  );
  return undefined;
}

/** A value from a fixed list, with the closest one suggested. */
function oneOf<T extends string>(
  value: unknown,
  segments: string[],
  findings: Findings,
  allowed: readonly T[],
): T | undefined {
  if (allowed.includes(value as T)) return value as T;
  const guess = typeof value === 'string' ? closestName(value, allowed) : undefined;
  findings.add(
    segments,
    `must be one of ${allowed.join(', ')}; got ${shown(value)}${guess ? `; did you mean "${guess}"?` : ''}`,
  );
  return undefined;
}

/** image and runtime each belong to some backends; `backend` is undefined when it was itself wrong. */
function checkImageAndRuntime(
  spec: Record<string, unknown>,
  backend: ExecutorBackend | undefined,
  findings: Findings,
): { image?: string; runtime?: JobRuntime } {
  const rawImage = field(spec, 'image');
  const rawRuntime = field(spec, 'runtime');
  const image =
    rawImage === undefined
      ? undefined
      : text(rawImage, ['image'], findings, 'an image reference such as "aitip/pytorch:1"', {
          pattern: PATTERNS.image,
        });
  const runtime = rawRuntime === undefined ? undefined : oneOf(rawRuntime, ['runtime'], findings, RUNTIMES);
  if (backend === 'local' && rawImage !== undefined) {
    findings.add(
      ['image'],
      'is for the docker and kubernetes backends; use runtime for local, or set backend: docker',
      {
        on: 'key',
      },
    );
  }
  if ((backend === 'docker' || backend === 'kubernetes') && rawImage === undefined) {
    findings.add(['image'], `required for the ${backend} backend: the image to run, e.g. "aitip/pytorch:1"`, {
      at: field(spec, 'backend') === undefined ? [] : ['backend'],
    });
  }
  if ((backend === 'docker' || backend === 'kubernetes') && rawRuntime !== undefined) {
    findings.add(
      ['runtime'],
      `is for the local backend; on ${backend} the image provides the interpreter, so remove runtime`,
      {
        on: 'key',
      },
    );
  }
  return { ...(image !== undefined ? { image } : {}), ...(runtime !== undefined ? { runtime } : {}) };
}

function checkCode(value: unknown, findings: Findings): JobSpecCode | undefined {
  if (typeof value === 'string') {
    const path = text(value, ['code'], findings, 'a directory such as "."');
    return path === undefined ? undefined : { path };
  }
  const code = mapping(
    value,
    ['code'],
    findings,
    'a directory such as "." or a mapping with path (a directory) or archiveId (an uploaded code archive)',
  );
  if (!code) return undefined;
  const start = findings.list.length;
  findings.unknownFields(code, ['code'], CODE_FIELDS, FIELD_ALIASES['code']);
  const rawPath = field(code, 'path');
  const rawArchive = field(code, 'archiveId');
  if (rawPath !== undefined && rawArchive !== undefined) {
    findings.add(['code'], 'give code.path or code.archiveId, not both');
  } else if (rawPath === undefined && rawArchive === undefined) {
    findings.add(['code'], 'give path (a directory to upload) or archiveId (an uploaded code archive)');
  }
  const path = rawPath === undefined ? undefined : text(rawPath, ['code', 'path'], findings, 'a directory such as "."');
  const archiveId =
    rawArchive === undefined
      ? undefined
      : text(rawArchive, ['code', 'archiveId'], findings, "an uploaded code archive's id");
  if (findings.list.length > start) return undefined;
  return path !== undefined ? { path } : { archiveId: archiveId! };
}

function checkCommand(value: unknown, findings: Findings): string[] | undefined {
  if (value === undefined) {
    findings.add(
      ['command'],
      'required: the program to run and its arguments as a list, e.g. ["python3", "train.py"]',
      {
        at: [],
      },
    );
    return undefined;
  }
  if (typeof value === 'string') {
    const words = value.trim().split(/\s+/).filter(Boolean);
    const example = words.length > 0 ? words : ['python3', 'train.py'];
    findings.add(
      ['command'],
      `must be a list, not one string: the command does not run through a shell, so give each argument as its own item, e.g. [${example.map((word) => JSON.stringify(word)).join(', ')}]`,
    );
    return undefined;
  }
  const command = stringList(value, ['command'], findings, '["python3", "train.py"]');
  if (!command) return undefined;
  if (command.length === 0 || command[0]!.trim() === '') {
    findings.add(
      command.length === 0 ? ['command'] : ['command', 0],
      'must start with the program to run, e.g. "python3"',
    );
    return undefined;
  }
  return command;
}

/** A file in the output directory, without `./` segments; nothing that could point outside it. */
function checkRegisterModel(value: unknown, findings: Findings): string | undefined {
  const segments = ['registerModel'];
  if (typeof value !== 'string' || value.trim() === '') {
    findings.add(segments, `must be a file path inside the output directory, e.g. "model.onnx"; got ${shown(value)}`);
    return undefined;
  }
  const parts = value.split('/');
  let why: string | undefined;
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value))
    why = 'must be relative to the output directory, e.g. "model.onnx"';
  else if (value.includes('\\')) why = 'must use "/" between directories';
  // eslint-disable-next-line no-control-regex -- refusing them is the point
  else if (/[\u0000-\u001f]/.test(value)) why = 'must not hold control characters such as line breaks';
  else if (parts.includes('..')) why = 'must stay inside the output directory: remove ".."';
  else if (value.endsWith('/') || parts.every((part) => part === '.' || part === ''))
    why = 'must name a file, not a directory';
  if (why) {
    findings.add(segments, `${why}; got ${shown(value)}`);
    return undefined;
  }
  return parts.filter((part) => part !== '.' && part !== '').join('/');
}

/** An optional field checked by `check` when present; `fallback` when absent. */
function optional<T, F>(
  spec: Record<string, unknown>,
  key: string,
  check: (value: unknown) => T | undefined,
  fallback: F,
): T | F | undefined {
  const value = field(spec, key);
  return value === undefined ? fallback : check(value);
}

/** Every problem of `input` and, when there is none, the spec with its defaults applied. */
export function checkJobSpec(input: unknown): { spec: JobSpec | undefined; findings: Finding[] } {
  const findings = new Findings();
  if (!isMapping(input)) {
    findings.add(
      [],
      `the job spec must be a mapping of fields such as "name: my-job" and "command: [python3, train.py]"; got ${shown(input)}`,
    );
    return { spec: undefined, findings: findings.list };
  }
  findings.unknownFields(input, [], JOB_SPEC_FIELDS, FIELD_ALIASES['']);
  const name = checkName(field(input, 'name'), findings);
  const experiment = optional(
    input,
    'experiment',
    (v) =>
      text(v, ['experiment'], findings, `an experiment name of at most ${LIMITS.experimentLength} characters`, {
        maxLength: LIMITS.experimentLength,
      }),
    name,
  );
  const backend = optional(input, 'backend', (v) => oneOf(v, ['backend'], findings, BACKENDS), 'local' as const);
  const imageAndRuntime = checkImageAndRuntime(input, backend, findings);
  const code = optional(input, 'code', (v) => checkCode(v, findings), null);
  const command = checkCommand(field(input, 'command'), findings);
  const args = optional(input, 'args', (v) => stringList(v, ['args'], findings, '["--verbose"]'), []);
  const env = optional(input, 'env', (v) => checkEnv(v, findings), {});
  const hyperparameters = optional(input, 'hyperparameters', (v) => checkHyperparameters(v, findings), {});
  const inputs = optional(input, 'inputs', (v) => checkInputs(v, findings), []);
  const resources = optional(input, 'resources', (v) => checkResources(v, findings), {});
  const workers = optional(input, 'workers', (v) => numberIn(v, ['workers'], findings, NUMBER_RULES.workers), 1);
  const priorityClass = optional(
    input,
    'priorityClass',
    (v) =>
      text(
        v,
        ['priorityClass'],
        findings,
        `a priority class name of lower-case letters, digits and "-", such as "normal"`,
        {
          pattern: PATTERNS.priorityClass,
          maxLength: LIMITS.priorityClassLength,
        },
      ),
    'normal',
  );
  const timeoutSeconds = optional(
    input,
    'timeoutSeconds',
    (v) =>
      numberIn(
        v,
        ['timeoutSeconds'],
        findings,
        NUMBER_RULES.timeoutSeconds,
        'seconds as a number, e.g. 900 for 15 minutes',
      ),
    null,
  );
  const maxRetries = optional(
    input,
    'maxRetries',
    (v) => numberIn(v, ['maxRetries'], findings, NUMBER_RULES.maxRetries),
    0,
  );
  const retryOnUserError = optional(input, 'retryOnUserError', (v) => flag(v, ['retryOnUserError'], findings), false);
  const network = optional(input, 'network', (v) => flag(v, ['network'], findings), false);
  const registerModel = optional(input, 'registerModel', (v) => checkRegisterModel(v, findings), null);

  if (findings.list.length > 0) return { spec: undefined, findings: findings.list };
  const spec: JobSpec = {
    name: name!,
    experiment: experiment!,
    backend: backend!,
    ...imageAndRuntime,
    ...(code ? { code } : {}),
    command: command!,
    args: args!,
    env: env!,
    hyperparameters: hyperparameters!,
    inputs: inputs!,
    resources: resources!,
    workers: workers!,
    priorityClass: priorityClass!,
    timeoutSeconds: timeoutSeconds!,
    maxRetries: maxRetries!,
    retryOnUserError: retryOnUserError!,
    network: network!,
    ...(registerModel ? { registerModel } : {}),
  };
  return { spec, findings: [] };
}
