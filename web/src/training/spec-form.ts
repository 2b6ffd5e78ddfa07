import type { NameValue, TrainingJobInput } from './operations';
import type { SpecProblem } from './spec-yaml';

/** What the submit form holds: text as typed, read into a `TrainingJobInput` on submit. */
export interface SpecFormState {
  name: string;
  experiment: string;
  backend: 'local' | 'docker' | 'kubernetes';
  image: string;
  runtime: string;
  /** One argument per line, or a JSON array. */
  command: string;
  /** `name=value` lines. */
  hyperparameters: string;
  /** `name=value` lines. */
  env: string;
  /** `[name=]dataset[@version]` lines. */
  inputs: string;
  cpu: string;
  memoryMiB: string;
  gpus: string;
  gpuType: string;
  workers: string;
  timeoutSeconds: string;
  maxRetries: string;
  network: boolean;
  registerModel: string;
  /** An uploaded code archive's id, when one was uploaded. */
  codeArchiveId: string;
}

/** The form as a new job starts: one local worker running `node`. */
export const EMPTY_FORM: SpecFormState = {
  name: '',
  experiment: '',
  backend: 'local',
  image: '',
  runtime: 'node',
  command: '',
  hyperparameters: '',
  env: '',
  inputs: '',
  cpu: '',
  memoryMiB: '',
  gpus: '',
  gpuType: '',
  workers: '1',
  timeoutSeconds: '',
  maxRetries: '0',
  network: false,
  registerModel: '',
  codeArchiveId: '',
};

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** The command's argv: a JSON array as written, else one argument per non-empty line. */
function readCommand(text: string, problems: SpecProblem[]): string[] {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return lines(text);
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // Reported below.
  }
  problems.push({
    path: 'command',
    message: 'starts with "[" but is not a JSON array of strings; or write one argument per line',
  });
  return [];
}

function readNameValues(field: string, text: string, problems: SpecProblem[]): NameValue[] {
  return lines(text).flatMap((line, index) => {
    const equals = line.indexOf('=');
    if (equals <= 0) {
      problems.push({ path: `${field}[${index}]`, message: `"${line}" is not name=value` });
      return [];
    }
    return [{ name: line.slice(0, equals).trim(), value: line.slice(equals + 1).trim() }];
  });
}

function readNumber(field: string, text: string, problems: SpecProblem[], integer = true): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    problems.push({ path: field, message: `"${text}" is not ${integer ? 'a whole number' : 'a number'}` });
    return undefined;
  }
  return value;
}

/** Reads the form into the API's input; problems are what the browser can tell before submitting. */
export function formToInput(form: SpecFormState): { input: TrainingJobInput; problems: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  const optional = (text: string) => (text.trim() === '' ? undefined : text.trim());
  const inputs = lines(form.inputs).map((line) => {
    const [maybeName, rest] = line.includes('=') ? line.split('=', 2) : [undefined, line];
    const [dataset, version] = rest!.split('@', 2);
    return { name: (maybeName ?? dataset)!.trim(), dataset: dataset!.trim(), version: optional(version ?? '') };
  });
  const resources = {
    cpu: readNumber('resources.cpu', form.cpu, problems, false),
    memoryMiB: readNumber('resources.memoryMiB', form.memoryMiB, problems),
    gpus: readNumber('resources.gpus', form.gpus, problems),
    gpuType: optional(form.gpuType),
  };
  const input: TrainingJobInput = {
    name: form.name.trim(),
    experiment: optional(form.experiment),
    backend: form.backend,
    image: form.backend === 'local' ? undefined : optional(form.image),
    runtime: form.backend === 'local' ? optional(form.runtime) : undefined,
    code: form.codeArchiveId ? { archiveId: form.codeArchiveId } : undefined,
    command: readCommand(form.command, problems),
    env: readNameValues('env', form.env, problems),
    hyperparameters: readNameValues('hyperparameters', form.hyperparameters, problems),
    inputs,
    resources: Object.values(resources).some((value) => value !== undefined) ? resources : undefined,
    workers: readNumber('workers', form.workers, problems),
    timeoutSeconds: readNumber('timeoutSeconds', form.timeoutSeconds, problems),
    maxRetries: readNumber('maxRetries', form.maxRetries, problems),
    network: form.network,
    registerModel: optional(form.registerModel),
  };
  return { input, problems };
}
