import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { JobSpec } from './job-spec.js';
import type { AttemptRecord, TrainingJobRecord } from './training-job.record.js';

export enum TrainingJobStatus {
  PENDING = 'PENDING',
  QUEUED = 'QUEUED',
  SCHEDULED = 'SCHEDULED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
  TIMED_OUT = 'TIMED_OUT',
}
registerEnumType(TrainingJobStatus, {
  name: 'TrainingJobStatus',
  description: 'PENDING → QUEUED → SCHEDULED → RUNNING → SUCCEEDED | FAILED | CANCELLED | TIMED_OUT.',
});

@ObjectType({ description: 'A name and a value.' })
export class NameValue {
  @Field(() => String, { description: 'The name.' })
  name: string;

  @Field(() => String, { description: 'The value.' })
  value: string;
}

@ObjectType({ description: 'A dataset version input of a job.' })
export class JobDataset {
  @Field(() => String, { description: 'Directory name under $AITIP_DATA_DIR.' })
  name: string;

  @Field(() => String, { description: "The dataset's name or id." })
  dataset: string;

  @Field(() => String, { description: 'A version number or "latest".' })
  version: string;
}

@ObjectType({ description: 'What each worker of a job asks for.' })
export class JobResources {
  @Field(() => Float, { nullable: true, description: 'CPU cores per worker (fractions allowed).' })
  cpu: number | null;

  @Field(() => Int, { nullable: true, description: 'Memory per worker in MiB; a worker over it is OOMKilled.' })
  memoryMiB: number | null;

  @Field(() => Int, { nullable: true, description: 'GPUs per worker.' })
  gpus: number | null;

  @Field(() => String, { nullable: true, description: 'GPU model wanted, e.g. nvidia-a100.' })
  gpuType: string | null;
}

@ObjectType({ description: 'A job spec with its defaults applied.' })
export class TrainingJobSpec {
  @Field(() => String, { description: 'Job name.' })
  name: string;

  @Field(() => String, { description: 'The experiment its run goes to.' })
  experiment: string;

  @Field(() => String, { description: 'local, docker or kubernetes.' })
  backend: string;

  @Field(() => String, { nullable: true, description: 'The image it runs (docker and kubernetes).' })
  image: string | null;

  @Field(() => String, { nullable: true, description: 'The interpreter a local worker must have (python3 or node).' })
  runtime: string | null;

  @Field(() => String, { nullable: true, description: 'A code directory on the worker machine (local backend).' })
  codePath: string | null;

  @Field(() => String, { nullable: true, description: 'The uploaded code archive.' })
  codeArchiveId: string | null;

  @Field(() => [String], { description: 'argv: the program and its first arguments, not run through a shell.' })
  command: string[];

  @Field(() => [String], { description: 'Arguments after the command (hyperparameters follow as --name=value).' })
  args: string[];

  @Field(() => [NameValue], { description: 'Environment variables of every worker.' })
  env: NameValue[];

  @Field(() => [NameValue], {
    description: 'Passed as env (AITIP_HP_<NAME>) and --name=value args, recorded as run params.',
  })
  hyperparameters: NameValue[];

  @Field(() => [JobDataset], { description: 'Dataset versions mounted read-only at $AITIP_DATA_DIR/<name>.' })
  inputs: JobDataset[];

  @Field(() => JobResources, { description: 'What each worker asks for.' })
  resources: JobResources;

  @Field(() => Int, { description: 'Workers (2+ for distributed training).' })
  workers: number;

  @Field(() => String, { description: 'Priority class for the scheduler.' })
  priorityClass: string;

  @Field(() => Int, { nullable: true, description: 'Wall-clock limit of an attempt; null: none.' })
  timeoutSeconds: number | null;

  @Field(() => Int, { description: 'Attempts after the first that a failure may get.' })
  maxRetries: number;

  @Field(() => Boolean, { description: "Whether failures of the job's own code are retried too." })
  retryOnUserError: boolean;

  @Field(() => Boolean, { description: 'Network access for containers.' })
  network: boolean;

  @Field(() => String, { nullable: true, description: 'The output file that becomes a model version.' })
  registerModel: string | null;
}

@ObjectType({ description: 'One try at running a job on a worker.' })
export class TrainingJobAttempt {
  @Field(() => Int, { description: '1, 2, …' })
  number: number;

  @Field(() => TrainingJobStatus, { description: 'The status it moved to.' })
  status: TrainingJobStatus;

  @Field(() => String, { nullable: true, description: 'The worker that ran it.' })
  workerId: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'succeeded, failed, oom, timed_out, cancelled, infrastructure, or lost (its worker stopped).',
  })
  outcome: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'The first non-zero exit code of a worker; 0 when every worker exited 0; null when the command did not exit (killed, or never started).',
  })
  exitCode: number | null;

  @Field(() => String, { nullable: true, description: 'Why (e.g. how an attempt ended).' })
  message: string | null;

  @Field(() => String, { nullable: true, description: 'What to do about a failure.' })
  hint: string | null;

  @Field(() => Int, { description: 'Log lines it printed.' })
  logLines: number;

  @Field(() => Date, { nullable: true, description: 'When its worker last reported it alive.' })
  heartbeatAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When its processes started.' })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it ended.' })
  endedAt: Date | null;
}

@ObjectType({ description: 'A request to run training code on a backend, with its attempts.' })
@Directive('@key(fields: "id")')
export class TrainingJob {
  @Field(() => ID, { description: 'Its id.' })
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => String, { description: 'Job name.' })
  name: string;

  @Field(() => TrainingJobStatus, { description: 'Where it is in its lifecycle.' })
  status: TrainingJobStatus;

  @Field(() => String, { nullable: true, description: 'Why it is in this status (e.g. how it failed).' })
  message: string | null;

  @Field(() => String, { nullable: true, description: 'What to do about a failure.' })
  hint: string | null;

  @Field(() => TrainingJobSpec, { description: 'What it runs: the spec as submitted, with defaults applied.' })
  spec: TrainingJobSpec;

  @Field(() => String, { description: 'local, docker or kubernetes.' })
  backend: string;

  @Field(() => String, { nullable: true, description: 'The experiment its run is in.' })
  experimentId: string | null;

  @Field(() => String, { nullable: true, description: 'The experiment run it logs to (MLflow run id).' })
  runId: string | null;

  @Field(() => Int, { description: 'Attempts started so far.' })
  attemptCount: number;

  @Field(() => Int, { description: 'Attempts after the first that a failure may get.' })
  maxRetries: number;

  @Field(() => Boolean, { description: 'A cancel was asked for and has not finished yet.' })
  cancelRequested: boolean;

  @Field(() => ID, { nullable: true, description: 'Who submitted it.' })
  createdBy: string | null;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;

  @Field(() => Date, { description: 'When it last changed.' })
  updatedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When its first attempt started running.' })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it reached its final status.' })
  endedAt: Date | null;
}

@ObjectType({ description: 'A page of training jobs, newest first.' })
export class TrainingJobPage {
  @Field(() => [TrainingJob], { description: 'The jobs of this page.' })
  nodes: TrainingJob[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last.' })
  endCursor: string | null;

  @Field(() => Boolean, { description: 'Whether more jobs follow.' })
  hasNextPage: boolean;
}

const nameValues = (record: Record<string, unknown>) =>
  Object.entries(record).map(([name, value]) => ({ name, value: String(value) }));

/** The spec as GraphQL shows it; rows from before the job lifecycle hold an empty spec, shown with its defaults. */
export function toSpec(stored: Partial<JobSpec>, name: string): TrainingJobSpec {
  const resources = stored.resources ?? {};
  return {
    name: stored.name ?? name,
    experiment: stored.experiment ?? stored.name ?? name,
    backend: stored.backend ?? 'local',
    image: stored.image ?? null,
    runtime: stored.runtime ?? null,
    codePath: stored.code?.path ?? null,
    codeArchiveId: stored.code?.archiveId ?? null,
    command: stored.command ?? [],
    args: stored.args ?? [],
    env: nameValues(stored.env ?? {}),
    hyperparameters: nameValues(stored.hyperparameters ?? {}),
    inputs: (stored.inputs ?? []).map((i) => ({ name: i.name, dataset: i.dataset, version: String(i.version) })),
    resources: {
      cpu: resources.cpu ?? null,
      memoryMiB: resources.memoryMiB ?? null,
      gpus: resources.gpus ?? null,
      gpuType: resources.gpuType ?? null,
    },
    workers: stored.workers ?? 1,
    priorityClass: stored.priorityClass ?? '',
    timeoutSeconds: stored.timeoutSeconds ?? null,
    maxRetries: stored.maxRetries ?? 0,
    retryOnUserError: stored.retryOnUserError ?? false,
    network: stored.network ?? false,
    registerModel: stored.registerModel ?? null,
  };
}

/** A stored job as GraphQL shows it. */
export function toTrainingJob(job: TrainingJobRecord): TrainingJob {
  return {
    id: job.id,
    orgId: job.orgId,
    name: job.name,
    status: job.status as TrainingJobStatus,
    message: job.message,
    hint: job.hint,
    spec: toSpec(job.spec, job.name),
    backend: job.backend,
    experimentId: job.experimentId,
    runId: job.runId,
    attemptCount: job.attempts,
    maxRetries: job.maxRetries,
    cancelRequested: job.cancelRequested,
    createdBy: job.createdBy,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    startedAt: job.startedAt,
    endedAt: job.endedAt,
  };
}

/** A stored attempt as GraphQL shows it. */
export function toAttempt(a: AttemptRecord): TrainingJobAttempt {
  return {
    number: a.attempt,
    status: a.status as TrainingJobStatus,
    workerId: a.workerId,
    outcome: a.outcome,
    exitCode: a.exitCode,
    message: a.message,
    hint: a.hint,
    logLines: a.logLines,
    heartbeatAt: a.heartbeatAt,
    startedAt: a.startedAt,
    endedAt: a.endedAt,
  };
}
