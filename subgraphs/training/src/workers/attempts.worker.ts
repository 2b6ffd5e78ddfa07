/**
 * The attempts worker: takes attempts from the `training.attempts` queue (first in, first out), at most
 * TRAINING_WORKER_CONCURRENCY at once, and runs each through its backend's executor (see attempt-run.ts).
 * A message is acknowledged once its attempt is claimed in the database, so a long job does not hold a
 * broker delivery; a worker that dies mid-attempt is found by its stopped heartbeat (lost-attempts.ts).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { isUuid, type BusUnsubscribe, type QueueConsumer, type QueueMessage } from '@aitip/kit';
import { ATTEMPTS_QUEUE, CANCEL_CHANNEL } from '../storage-keys.js';
import { runAttempt, type AttemptContext, type RunningAttempt } from './attempt-run.js';

/** Waits for one of `size` slots. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** A running worker. */
export interface AttemptsWorker {
  readonly workerId: string;
  /** Stops taking attempts, stops those running (they are retried elsewhere) and waits for them. */
  stop(): Promise<void>;
}

/**
 * A message waiting here for a free slot is unacknowledged, and every broker restart or lost worker
 * redelivers it as one more try; dead-lettered after the queue's usual 5, its job would stay QUEUED
 * with no message. It carries nothing but a claim that succeeds at most once, so it is kept far longer
 * (with the back-off capped at 5 minutes, about 8 hours of failing claims).
 */
const ATTEMPT_MESSAGE_MAX_TRIES = 100;

/** Starts a worker on the attempts queue. */
export async function startAttemptsWorker(context: Omit<AttemptContext, 'workerId'>): Promise<AttemptsWorker> {
  const workerId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const ctx: AttemptContext = { ...context, workerId };
  const slots = new Slots(ctx.settings.TRAINING_WORKER_CONCURRENCY);
  const running = new Map<string, RunningAttempt>();
  const finished = new Set<Promise<void>>();
  let stopping = false;

  const handle = async (message: QueueMessage): Promise<void> => {
    const { orgId, jobId, attempt } = (message.payload ?? {}) as { orgId?: string; jobId?: string; attempt?: number };
    if (!orgId || !jobId || !isUuid(orgId) || !isUuid(jobId) || !Number.isInteger(attempt)) {
      ctx.log.warn({ payload: message.payload }, 'dropped an attempt message without orgId, jobId and attempt');
      return;
    }
    await slots.take();
    let job;
    try {
      job = stopping ? null : await ctx.lifecycle.store.claimAttempt(orgId, jobId, attempt!, workerId);
    } catch (err) {
      slots.give();
      throw err;
    }
    // a redelivered or cancelled attempt: nothing to do
    if (!job) return slots.give();
    await ctx.lifecycle.announce(job);
    const run = runAttempt(ctx, job, () => stopping);
    running.set(jobId, run);
    const done = run.done
      .catch((err: unknown) => ctx.log.error({ err, jobId, attempt }, 'an attempt failed unexpectedly'))
      .finally(() => {
        running.delete(jobId);
        finished.delete(done);
        slots.give();
      });
    finished.add(done);
  };

  const unsubscribe: BusUnsubscribe = await ctx.bus.subscribe(CANCEL_CHANNEL, (message) => {
    const { jobId } = (message ?? {}) as { jobId?: string };
    if (jobId) running.get(jobId)?.cancel();
  });
  const consumer: QueueConsumer = await ctx.queue.consume(ATTEMPTS_QUEUE, handle, {
    prefetch: ctx.settings.TRAINING_WORKER_CONCURRENCY,
    maxAttempts: ATTEMPT_MESSAGE_MAX_TRIES,
  });
  ctx.log.info({ workerId, concurrency: ctx.settings.TRAINING_WORKER_CONCURRENCY }, 'training attempts worker started');

  return {
    workerId,
    async stop() {
      stopping = true;
      await consumer.stop();
      await unsubscribe();
      for (const run of running.values()) run.cancel();
      await Promise.all([...finished]);
    },
  };
}
