import { startReconcileLoop, type Logger, type ReconcileLoop } from '@aitip/kit';
import { executionName, type Executors } from '../jobs/execution-plan.js';
import type { JobLifecycle } from '../jobs/job-lifecycle.js';
import type { TrainingJobService } from '../jobs/training-job.service.js';
import type { TrainingSettings } from '../settings.js';
import { concludeAttempt, type AttemptVerdict } from './attempt-outcome.js';

/**
 * Finds attempts whose worker stopped heartbeating (it died, or lost its database) and ends them as
 * `lost`: the job is retried while retries remain, else FAILED — so no job stays RUNNING forever. What
 * the attempt left on this machine (a local process group, containers) is cleaned up when found.
 */
export function startLostAttemptsLoop(
  lifecycle: JobLifecycle,
  jobs: TrainingJobService,
  executors: Executors,
  settings: TrainingSettings,
  log: Logger,
): ReconcileLoop {
  return startReconcileLoop({
    name: 'training-lost-attempts',
    intervalMs: settings.TRAINING_RECONCILE_SECONDS * 1000,
    logger: log,
    async run(signal) {
      const stale = await lifecycle.store.staleAttempts(settings.TRAINING_STALE_SECONDS);
      for (const lost of stale) {
        if (signal.aborted) return;
        const verdict: AttemptVerdict = {
          outcome: 'lost',
          message: `lost: its worker ${lost.workerId ?? '(unknown)'} stopped sending heartbeats`,
          hint: 'the job is retried while maxRetries allows; check the worker machine if this repeats',
          exitCode: null,
        };
        const ended = await lifecycle.store.finishAttempt(lost.orgId, lost.jobId, lost.attempt, {
          status: 'FAILED',
          outcome: verdict.outcome,
          exitCode: null,
          message: verdict.message,
          hint: verdict.hint ?? null,
          logLines: 0,
          logArchiveKey: null,
        });
        if (!ended) continue;
        const job = await lifecycle.store.findById(lost.orgId, lost.jobId);
        if (!job) continue;
        log.warn({ jobId: job.id, attempt: lost.attempt, workerId: lost.workerId }, 'an attempt was lost');
        await executors
          .get(job.backend)
          .cleanup(executionName(job.id, lost.attempt))
          .catch((err: unknown) => log.debug({ err }, 'nothing of the lost attempt to clean up here'));
        await concludeAttempt(lifecycle, jobs, { ...job, attempts: lost.attempt }, verdict, log);
      }
    },
  });
}
