import type { Bus, Logger, Queue } from '@aitip/kit';
import type { TrainingSettings } from '../settings.js';
import { ATTEMPTS_QUEUE, jobEventsStream, jobLogsStream } from '../storage-keys.js';
import { FINAL_STATUSES, type JobStatus, type TrainingJobRecord } from './training-job.record.js';
import type { TrainingJobStore, TransitionFields } from './training-job.store.js';

/** What a worker takes from the attempts queue. */
export interface AttemptMessage {
  orgId: string;
  jobId: string;
  attempt: number;
}

/**
 * Every status change of a job goes through here: the row moves only from an expected status, and each
 * move is appended to the job's live event stream (jobEvents) and published as the domain event
 * `training.job.<status>`. The database is the record; a failed append or publish is logged.
 */
export class JobLifecycle {
  constructor(
    readonly store: TrainingJobStore,
    private readonly bus: Bus,
    private readonly queue: Queue,
    private readonly settings: TrainingSettings,
    private readonly log: Logger,
  ) {}

  /** Moves the job from one of `from` to `to`; null when it was in another status. */
  async move(
    orgId: string,
    jobId: string,
    from: readonly JobStatus[],
    to: JobStatus,
    fields: TransitionFields = {},
  ): Promise<TrainingJobRecord | null> {
    const job = await this.store.transition(orgId, jobId, from, to, fields);
    if (job) await this.announce(job);
    return job;
  }

  /** Tells subscribers and other services about the job's current status. */
  async announce(job: TrainingJobRecord): Promise<void> {
    const event = {
      jobId: job.id,
      status: job.status,
      attempt: job.attempts,
      message: job.message ?? '',
      at: job.updatedAt.toISOString(),
    };
    try {
      await this.bus.append(jobEventsStream(job.orgId, job.id), event, {
        maxLen: this.settings.TRAINING_EVENT_STREAM_MAX_LEN,
      });
    } catch (err) {
      this.log.warn({ err, jobId: job.id }, 'could not append a job event; jobEvents subscribers miss it');
    }
    try {
      await this.queue.publishEvent(`training.job.${job.status.toLowerCase()}`, { ...event, orgId: job.orgId });
    } catch (err) {
      this.log.warn({ err, jobId: job.id }, 'could not publish a job event');
    }
  }

  /**
   * The job ended: its live log stream goes after TRAINING_LOG_LINGER_SECONDS (subscribers a little behind
   * still get the last lines; later ones replay from the archives). A restart in between leaves the stream
   * as it is, bounded by TRAINING_LOG_STREAM_MAX_LEN.
   */
  ended(job: TrainingJobRecord): void {
    const stream = jobLogsStream(job.orgId, job.id);
    const timer = setTimeout(() => {
      const remove = async () => {
        // a retry may have started a new attempt meanwhile, which writes to this stream
        const now = await this.store.findById(job.orgId, job.id);
        if (now && FINAL_STATUSES.includes(now.status)) await this.bus.delete(stream);
      };
      remove().catch((err: unknown) => this.log.warn({ err, stream }, "could not remove an ended job's log stream"));
    }, this.settings.TRAINING_LOG_LINGER_SECONDS * 1000);
    timer.unref();
  }

  /** Sends the job's next attempt to the workers, after `delayMs` (a retry's back-off). */
  async enqueue(job: TrainingJobRecord, delayMs = 0): Promise<void> {
    const message: AttemptMessage = { orgId: job.orgId, jobId: job.id, attempt: job.attempts + 1 };
    try {
      await this.queue.send(ATTEMPTS_QUEUE, message, delayMs > 0 ? { delayMs } : {});
    } catch (err) {
      // a QUEUED job whose message never reached the broker would wait forever: end it where a retry can reach it
      await this.move(job.orgId, job.id, ['QUEUED'], 'FAILED', {
        message: `could not queue attempt ${message.attempt}: ${(err as Error).message}`,
        hint: 'the message broker was unavailable; retry the job once it is back',
        ended: true,
      });
      throw err;
    }
  }

  /** The back-off before attempt `attempt` (2, 3, …): the setting, doubling each time. */
  retryDelayMs(attempt: number): number {
    return this.settings.TRAINING_RETRY_BACKOFF_SECONDS * 1000 * 2 ** Math.max(0, attempt - 2);
  }
}
