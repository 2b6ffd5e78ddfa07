import type { Logger } from '@aitip/kit';
import type { ExecutionOutcome } from '../executors/executor.js';
import type { JobLifecycle } from '../jobs/job-lifecycle.js';
import type { AttemptStatus, JobStatus, TrainingJobRecord } from '../jobs/training-job.record.js';
import type { TrainingJobService } from '../jobs/training-job.service.js';

/** How an attempt ended, as the worker (or the reconcile loop, for `lost`) saw it. */
export interface AttemptVerdict {
  outcome: ExecutionOutcome | 'lost';
  message: string;
  hint?: string;
  exitCode: number | null;
}

/** The status an attempt (and, with no retry, its job) ends in. */
export function statusOf(verdict: AttemptVerdict): AttemptStatus & JobStatus {
  switch (verdict.outcome) {
    case 'succeeded':
      return 'SUCCEEDED';
    case 'timed_out':
      return 'TIMED_OUT';
    case 'cancelled':
      return 'CANCELLED';
    default:
      return 'FAILED';
  }
}

/** Whether the job gets another attempt: infrastructure failures while retries remain; the code's own failures only when asked. */
export function shouldRetry(job: TrainingJobRecord, verdict: AttemptVerdict): boolean {
  if (job.cancelRequested || job.attempts > job.maxRetries) return false;
  if (verdict.outcome === 'infrastructure' || verdict.outcome === 'lost') return true;
  return (verdict.outcome === 'failed' || verdict.outcome === 'oom') && job.spec.retryOnUserError;
}

const runStatusOf = (status: JobStatus) =>
  status === 'SUCCEEDED' ? ('FINISHED' as const) : status === 'CANCELLED' ? ('KILLED' as const) : ('FAILED' as const);

/**
 * Moves the job on after its attempt ended (the attempt row is already final): queued again after
 * a back-off, or to its final status with its run's status set to match.
 */
export async function concludeAttempt(
  lifecycle: JobLifecycle,
  jobs: TrainingJobService,
  job: TrainingJobRecord,
  verdict: AttemptVerdict,
  log: Logger,
): Promise<void> {
  const live: JobStatus[] = ['SCHEDULED', 'RUNNING'];
  if (shouldRetry(job, verdict)) {
    const delayMs = lifecycle.retryDelayMs(job.attempts + 1);
    const queued = await lifecycle.move(job.orgId, job.id, live, 'QUEUED', {
      message: `attempt ${job.attempts} ${verdict.message}; retrying in ${Math.round(delayMs / 1000)} s`,
      hint: verdict.hint ?? null,
    });
    if (queued) await lifecycle.enqueue(queued, delayMs);
    return;
  }
  const status = job.cancelRequested ? 'CANCELLED' : statusOf(verdict);
  const ended = await lifecycle.store.transition(job.orgId, job.id, live, status, {
    message: verdict.message,
    hint: verdict.hint ?? null,
    ended: true,
  });
  if (!ended) {
    log.warn({ jobId: job.id }, 'an attempt ended for a job no longer running; left as it is');
    return;
  }
  // the run is final before anyone hears the job is, so a client that reacts to the event sees both
  await jobs.finishRun(ended, runStatusOf(status));
  await lifecycle.announce(ended);
  lifecycle.ended(ended);
}
