import type { JobLifecycle } from './job-lifecycle.js';
import type { TrainingJobRecord } from './training-job.record.js';

/**
 * Admission until the scheduler decides it: first in, first out. A PENDING job is queued at once; the
 * capacity check is the workers' — each runs at most TRAINING_WORKER_CONCURRENCY attempts and takes
 * the next one from the queue, in order, when a slot frees. Replace this function to admit otherwise.
 */
export async function admitJob(lifecycle: JobLifecycle, job: TrainingJobRecord): Promise<TrainingJobRecord | null> {
  const queued = await lifecycle.move(job.orgId, job.id, ['PENDING'], 'QUEUED', { message: 'waiting for a worker' });
  if (queued) await lifecycle.enqueue(queued);
  return queued;
}
