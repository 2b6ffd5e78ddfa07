import { operation } from '../graphql/operations';

/** Where a training job is in its lifecycle. */
export type JobStatus =
  'PENDING' | 'QUEUED' | 'SCHEDULED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';

/** Every status, in lifecycle order (the list's status filter offers them). */
export const JOB_STATUSES: readonly JobStatus[] = [
  'PENDING',
  'QUEUED',
  'SCHEDULED',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'TIMED_OUT',
];

const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

/** Whether a job in this status has ended (and so may be retried, not cancelled). */
export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.has(status);
}

/** Whether `retryTrainingJob` takes a job in this status. */
export function isRetryable(status: JobStatus): boolean {
  return status === 'FAILED' || status === 'CANCELLED' || status === 'TIMED_OUT';
}

/** A name and a value: an env variable or a hyperparameter. */
export interface NameValue {
  name: string;
  value: string;
}

/** A job as the list shows it. */
export interface JobRow {
  id: string;
  name: string;
  status: JobStatus;
  backend: string;
  attemptCount: number;
  createdAt: string;
  updatedAt: string;
}

/** One try at running a job. */
export interface JobAttempt {
  number: number;
  status: JobStatus;
  workerId: string | null;
  outcome: string | null;
  exitCode: number | null;
  message: string | null;
  hint: string | null;
  logLines: number;
  startedAt: string | null;
  endedAt: string | null;
}

/** What a job runs, with the API's defaults applied. */
export interface JobSpec {
  name: string;
  experiment: string;
  backend: string;
  image: string | null;
  runtime: string | null;
  codePath: string | null;
  codeArchiveId: string | null;
  command: string[];
  args: string[];
  env: NameValue[];
  hyperparameters: NameValue[];
  inputs: { name: string; dataset: string; version: string }[];
  resources: { cpu: number | null; memoryMiB: number | null; gpus: number | null; gpuType: string | null };
  workers: number;
  priorityClass: string;
  timeoutSeconds: number | null;
  maxRetries: number;
  retryOnUserError: boolean;
  network: boolean;
  registerModel: string | null;
}

/** A job with everything its page shows. */
export interface JobDetail extends JobRow {
  message: string | null;
  hint: string | null;
  experimentId: string | null;
  runId: string | null;
  maxRetries: number;
  cancelRequested: boolean;
  startedAt: string | null;
  endedAt: string | null;
  spec: JobSpec;
  attempts: JobAttempt[];
}

const JOB_ROW_FIELDS = 'id name status backend attemptCount createdAt updatedAt';
const JOB_DETAIL_FIELDS = `
  ${JOB_ROW_FIELDS} message hint experimentId runId maxRetries cancelRequested startedAt endedAt
  spec {
    name experiment backend image runtime codePath codeArchiveId command args
    env { name value } hyperparameters { name value } inputs { name dataset version }
    resources { cpu memoryMiB gpus gpuType }
    workers priorityClass timeoutSeconds maxRetries retryOnUserError network registerModel
  }
  attempts { number status workerId outcome exitCode message hint logLines startedAt endedAt }
`;

/** Jobs per page of the list. */
export const JOBS_PAGE_SIZE = 50;

export const TRAINING_JOBS = operation<
  { trainingJobs: { nodes: JobRow[]; endCursor: string | null; hasNextPage: boolean } },
  { status: JobStatus | null; first: number; after: string | null }
>(`
  query TrainingJobs($status: TrainingJobStatus, $first: Int!, $after: String) {
    trainingJobs(status: $status, first: $first, after: $after) {
      nodes { ${JOB_ROW_FIELDS} }
      endCursor hasNextPage
    }
  }
`);

export const TRAINING_JOB = operation<{ trainingJob: JobDetail | null }, { id: string }>(`
  query TrainingJob($id: ID!) { trainingJob(id: $id) { ${JOB_DETAIL_FIELDS} } }
`);

/** The GraphQL `TrainingJobInput`: the job YAML's fields with maps as name/value lists. */
export interface TrainingJobInput {
  name: string;
  experiment?: string;
  backend?: string;
  image?: string;
  runtime?: string;
  code?: { path?: string; archiveId?: string };
  command: string[];
  args?: string[];
  env?: NameValue[];
  hyperparameters?: NameValue[];
  inputs?: { name: string; dataset: string; version?: string }[];
  resources?: { cpu?: number; memoryMiB?: number; gpus?: number; gpuType?: string };
  workers?: number;
  priorityClass?: string;
  timeoutSeconds?: number;
  maxRetries?: number;
  retryOnUserError?: boolean;
  network?: boolean;
  registerModel?: string;
}

export const SUBMIT_TRAINING_JOB = operation<{ submitTrainingJob: { id: string } }, { input: TrainingJobInput }>(`
  mutation SubmitTrainingJob($input: TrainingJobInput!) { submitTrainingJob(input: $input) { id } }
`);

export const CANCEL_TRAINING_JOB = operation<{ cancelTrainingJob: JobDetail }, { id: string }>(`
  mutation CancelTrainingJob($id: ID!) { cancelTrainingJob(id: $id) { ${JOB_DETAIL_FIELDS} } }
`);

export const RETRY_TRAINING_JOB = operation<{ retryTrainingJob: JobDetail }, { id: string }>(`
  mutation RetryTrainingJob($id: ID!) { retryTrainingJob(id: $id) { ${JOB_DETAIL_FIELDS} } }
`);

/** A status change, as `jobEvents` sends it. */
export interface JobEvent {
  cursor: string;
  jobId: string;
  status: JobStatus;
  attempt: number;
  message: string | null;
  at: string;
}

/** `jobEvents`, for useLiveStream (which adds `after`). */
export const JOB_EVENTS_SOURCE = `
  subscription JobEvents($jobId: ID!, $after: String) {
    jobEvents(jobId: $jobId, after: $after) { cursor jobId status attempt message at }
  }
`;

/** One line of a job log, as `jobLogs` sends it. */
export interface LogLine {
  number: number;
  attempt: number;
  rank: number;
  stream: string;
  text: string;
}

/** `jobLogs`: consecutive lines from `fromLine` on, then new ones as they are printed. */
export const JOB_LOGS_SOURCE = `
  subscription JobLogs($jobId: ID!, $fromLine: Int!) {
    jobLogs(jobId: $jobId, fromLine: $fromLine) { firstLine lines { number attempt rank stream text } }
  }
`;
