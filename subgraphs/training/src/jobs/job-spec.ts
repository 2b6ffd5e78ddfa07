/**
 * The training job spec: what `aitip jobs run -f job.yaml` reads and what the `submitTrainingJob`
 * input carries. `validateJobSpec` checks the JSON form and applies defaults; `parseJobSpecYaml`
 * reads the YAML form and reports each problem with its line and column. `job-spec.schema.json`
 * publishes the same rules for editors.
 */
import { InputError } from '@aitip/kit';
import type { ExecutorBackend } from '../executors/executor.js';
import { checkJobSpec, type Finding } from './job-spec-check.js';
import { hyperparameterEnvName, problemPath } from './job-spec-rules.js';
import { readJobSpecYaml } from './job-spec-yaml.js';

export { hyperparameterEnvName };

export type JobRuntime = 'python3' | 'node';
export type HyperparameterValue = string | number | boolean;

/** Where the job's code comes from; neither set: the code is already inside the image. */
export interface JobSpecCode {
  /** A directory relative to the YAML file, which the CLI uploads as the code archive. */
  path?: string;
  /** An uploaded code archive (what the GraphQL input carries). */
  archiveId?: string;
}

/** A dataset version mounted read-only at `$AITIP_DATA_DIR/<name>` (`/data/<name>` in containers). */
export interface JobSpecInput {
  name: string;
  /** The dataset's name (or id) in the organization. */
  dataset: string;
  version: number | 'latest';
}

/** What each worker asks for; absent fields leave the backend's defaults. */
export interface JobSpecResources {
  cpu?: number;
  memoryMiB?: number;
  gpus?: number;
  gpuType?: string;
}

/** A job spec with its defaults applied. */
export interface JobSpec {
  name: string;
  /** The experiment the job's run goes to; defaults to the job's name. */
  experiment: string;
  backend: ExecutorBackend;
  /** The image to run (docker and kubernetes). */
  image?: string;
  /** The interpreter the local worker must have. */
  runtime?: JobRuntime;
  code?: JobSpecCode;
  /** argv, not run through a shell. */
  command: string[];
  args: string[];
  env: Record<string, string>;
  hyperparameters: Record<string, HyperparameterValue>;
  inputs: JobSpecInput[];
  resources: JobSpecResources;
  workers: number;
  priorityClass: string;
  /** null: no time limit. */
  timeoutSeconds: number | null;
  maxRetries: number;
  /** Retry attempts that failed in the user's code too, not only infrastructure failures. */
  retryOnUserError: boolean;
  network: boolean;
  /** A file in the output directory that becomes a model version. */
  registerModel?: string;
}

/** One thing wrong with a spec: `path` like `resources.cpu` or `inputs[0].name`; line and column in YAML. */
export interface JobSpecProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export type JobSpecValidation =
  { spec: JobSpec; problems?: undefined } | { problems: JobSpecProblem[]; spec?: undefined };

/** One problem as a line: `job.yaml:4:10 resources.cpu: must be a number > 0 …`. */
export function formatProblem(problem: JobSpecProblem, file?: string): string {
  const where = [file, problem.line, problem.column].filter((part) => part !== undefined).join(':');
  const what = problem.path ? `${problem.path}: ${problem.message}` : problem.message;
  if (!where) return what;
  return problem.line === undefined ? `${where}: ${what}` : `${where} ${what}`;
}

/** A spec that failed validation; `extensions.problems` lists every problem for clients to show. */
export class JobSpecError extends InputError {
  readonly problems: JobSpecProblem[];

  constructor(problems: JobSpecProblem[], file?: string) {
    const lines = problems.map((problem) => formatProblem(problem, file));
    const message =
      lines.length === 1
        ? lines[0]!
        : `${file ?? 'The job spec'} has ${lines.length} problems:\n${lines.map((line) => `  ${line}`).join('\n')}`;
    super(message, { problems });
    this.problems = problems;
  }
}

const asProblem = (finding: Finding): JobSpecProblem => ({
  path: problemPath(finding.segments),
  message: finding.message,
});

/** Checks a spec in its JSON form (the GraphQL input); null fields count as absent. */
export function validateJobSpec(input: unknown): JobSpecValidation {
  const { spec, findings } = checkJobSpec(input);
  if (findings.length > 0 || !spec) return { problems: findings.map(asProblem) };
  return { spec };
}

/** Reads a job spec YAML file; throws a `JobSpecError` listing every problem with `file:line:column`. */
export function parseJobSpecYaml(text: string, options: { file?: string } = {}): JobSpec {
  const read = readJobSpecYaml(text);
  if ('problems' in read) throw new JobSpecError(read.problems, options.file);
  return read.spec;
}

/** The hyperparameters in a stable order (by name), so env, args and recorded params never reorder. */
function sortedHyperparameters(hp: Record<string, HyperparameterValue>): Array<[string, HyperparameterValue]> {
  return Object.entries(hp).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The variables a job gets for its hyperparameters: `AITIP_HYPERPARAMETERS` (JSON) and one `AITIP_HP_<NAME>` each. */
export function hyperparameterEnv(hp: Record<string, HyperparameterValue>): Record<string, string> {
  const sorted = sortedHyperparameters(hp);
  const env: Record<string, string> = { AITIP_HYPERPARAMETERS: JSON.stringify(Object.fromEntries(sorted)) };
  for (const [name, value] of sorted) env[hyperparameterEnvName(name)] = String(value);
  return env;
}

/** The arguments appended to the command for the hyperparameters: `--<name>=<value>`, sorted by name. */
export function hyperparameterArgs(hp: Record<string, HyperparameterValue>): string[] {
  return sortedHyperparameters(hp).map(([name, value]) => `--${name}=${String(value)}`);
}
