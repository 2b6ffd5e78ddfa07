import type { ResolvedInput } from './datasets-client.js';
import type { JobSpec } from './job-spec.js';

/** The lifecycle of a job, in order; the last four are final. */
export const JOB_STATUSES = [
  'PENDING',
  'QUEUED',
  'SCHEDULED',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'TIMED_OUT',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses a job never leaves except by a retry. */
export const FINAL_STATUSES: readonly JobStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
/** Statuses in which an attempt holds (or is about to hold) a worker. */
export const LIVE_ATTEMPT_STATUSES = ['SCHEDULED', 'RUNNING'] as const;

export type AttemptStatus = 'SCHEDULED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';

/** A training job as stored. */
export interface TrainingJobRecord {
  id: string;
  orgId: string;
  name: string;
  status: JobStatus;
  spec: JobSpec;
  /** The dataset version each input resolved to at submission. */
  inputVersions: ResolvedInput[];
  backend: string;
  experimentName: string | null;
  experimentId: string | null;
  runId: string | null;
  message: string | null;
  hint: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  /** Attempts started so far (the number of the latest). */
  attempts: number;
  maxRetries: number;
  cancelRequested: boolean;
}

/** One attempt of a job as stored. */
export interface AttemptRecord {
  id: string;
  orgId: string;
  jobId: string;
  attempt: number;
  status: AttemptStatus;
  workerId: string | null;
  heartbeatAt: Date | null;
  startedAt: Date | null;
  endedAt: Date | null;
  outcome: string | null;
  exitCode: number | null;
  message: string | null;
  hint: string | null;
  logLines: number;
  logArchiveKey: string | null;
  createdAt: Date;
}

type Row = Record<string, unknown>;
const date = (value: unknown): Date | null =>
  value === null || value === undefined ? null : new Date(value as string);

/** A `training_jobs` row as a record. */
export function jobOf(row: Row): TrainingJobRecord {
  return {
    id: row['id'] as string,
    orgId: row['org_id'] as string,
    name: row['name'] as string,
    status: row['status'] as JobStatus,
    spec: (typeof row['spec'] === 'string' ? JSON.parse(row['spec']) : row['spec']) as JobSpec,
    inputVersions: (typeof row['input_versions'] === 'string'
      ? JSON.parse(row['input_versions'])
      : (row['input_versions'] ?? [])) as ResolvedInput[],
    backend: row['backend'] as string,
    experimentName: (row['experiment_name'] as string | null) ?? null,
    experimentId: (row['experiment_id'] as string | null) ?? null,
    runId: (row['run_id'] as string | null) ?? null,
    message: (row['message'] as string | null) ?? null,
    hint: (row['hint'] as string | null) ?? null,
    createdBy: (row['created_by'] as string | null) ?? null,
    createdAt: date(row['created_at'])!,
    updatedAt: date(row['updated_at'])!,
    startedAt: date(row['started_at']),
    endedAt: date(row['ended_at']),
    attempts: Number(row['attempts']),
    maxRetries: Number(row['max_retries']),
    cancelRequested: Boolean(row['cancel_requested']),
  };
}

/** A `job_attempts` row as a record. */
export function attemptOf(row: Row): AttemptRecord {
  return {
    id: row['id'] as string,
    orgId: row['org_id'] as string,
    jobId: row['job_id'] as string,
    attempt: Number(row['attempt']),
    status: row['status'] as AttemptStatus,
    workerId: (row['worker_id'] as string | null) ?? null,
    heartbeatAt: date(row['heartbeat_at']),
    startedAt: date(row['started_at']),
    endedAt: date(row['finished_at']),
    outcome: (row['outcome'] as string | null) ?? null,
    exitCode: row['exit_code'] === null || row['exit_code'] === undefined ? null : Number(row['exit_code']),
    message: (row['message'] as string | null) ?? null,
    hint: (row['hint'] as string | null) ?? null,
    logLines: Number(row['log_lines'] ?? 0),
    logArchiveKey: (row['log_archive_key'] as string | null) ?? null,
    createdAt: date(row['created_at'])!,
  };
}
