import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
// types only: the module itself is loaded on first use (below)
import type * as JobSpecModule from '@aitip/subgraph-training/dist/src/jobs/job-spec.js';
import type { JobSpec, JobSpecProblem } from '@aitip/subgraph-training/dist/src/jobs/job-spec.js';
import { UsageError } from '../errors.js';

/** The job spec as the training package's `parseJobSpecYaml` answers it (defaults applied). */
export type JobSpecFile = JobSpec;

/**
 * The training package's reader, so that the CLI and the platform read a job file by the same rules.
 * It is loaded when a job file is read, not when the CLI starts: the training package brings the
 * platform runtime with it, which every other command can do without.
 */
const SPEC_MODULE = '@aitip/subgraph-training/dist/src/jobs/job-spec.js';

async function specModule(): Promise<typeof JobSpecModule> {
  const loaded = (await import(SPEC_MODULE)) as typeof JobSpecModule & { default?: typeof JobSpecModule };
  return typeof loaded.parseJobSpecYaml === 'function' ? loaded : loaded.default!;
}

/** Reads and checks a job YAML file; a UsageError lists every problem as `file:line:col field: message`. */
export async function readJobFile(file: string): Promise<{ spec: JobSpecFile; codeDir: string | null }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
  const { parseJobSpecYaml, formatProblem } = await specModule();
  let spec: JobSpecFile;
  try {
    spec = parseJobSpecYaml(text, { file });
  } catch (err) {
    const problems = (err as { problems?: JobSpecProblem[] }).problems;
    if (!problems) throw err;
    throw new UsageError(problems.map((p) => formatProblem(p, file)).join('\n'));
  }
  if (spec.code?.archiveId) return { spec, codeDir: null };
  if (!spec.code?.path) return { spec, codeDir: null };
  const codeDir = resolve(dirname(file), spec.code.path);
  const isDirectory = await stat(codeDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) {
    throw new UsageError(`${file}: code: ${codeDir} is not a directory; give the code directory relative to the file.`);
  }
  return { spec, codeDir };
}

/** The `submitTrainingJob` input of a spec whose code is the uploaded archive `archiveId` (or in the image). */
export function submissionInput(spec: JobSpecFile, archiveId: string | null): Record<string, unknown> {
  const pairs = (values: Record<string, string | number | boolean>) =>
    Object.entries(values).map(([name, value]) => ({ name, value: String(value) }));
  return {
    name: spec.name,
    experiment: spec.experiment,
    backend: spec.backend,
    image: spec.image ?? null,
    runtime: spec.runtime ?? null,
    code: archiveId ? { archiveId } : spec.code?.archiveId ? { archiveId: spec.code.archiveId } : null,
    command: spec.command,
    args: spec.args,
    env: pairs(spec.env),
    hyperparameters: pairs(spec.hyperparameters),
    inputs: spec.inputs.map((i) => ({ name: i.name, dataset: i.dataset, version: String(i.version) })),
    resources: spec.resources,
    workers: spec.workers,
    priorityClass: spec.priorityClass,
    timeoutSeconds: spec.timeoutSeconds,
    maxRetries: spec.maxRetries,
    retryOnUserError: spec.retryOnUserError,
    network: spec.network,
    registerModel: spec.registerModel ?? null,
  };
}
