import type { Logger } from './log.js';

export interface ReconcileLoopOptions {
  /** Names the loop in logs. */
  name: string;
  /** Pause between the end of one run and the start of the next. */
  intervalMs: number;
  /** One pass; should stop early when the signal aborts (the loop is stopping). */
  run: (signal: AbortSignal) => Promise<void>;
  logger: Logger;
}

/** A running reconcile loop. */
export interface ReconcileLoop {
  /** Aborts the run in progress, waits for it to end, and runs no more. */
  stop(): Promise<void>;
  /**
   * Runs a pass now, or right after the one in progress (which may have started before the caller's
   * change); concurrent calls share that pass. Resolves when it has finished; failures are logged, not thrown.
   */
  runNow(): Promise<void>;
}

/**
 * Re-drives lost work from the source of truth (Postgres): runs `run` at start-up and then every
 * `intervalMs` after the previous pass ended, so passes never overlap; a failed pass is logged
 * and the loop keeps going.
 */
export function startReconcileLoop({ name, intervalMs, run, logger }: ReconcileLoopOptions): ReconcileLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let controller: AbortController | undefined;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  const pass = async (): Promise<void> => {
    const current = new AbortController();
    controller = current;
    const startedAt = Date.now();
    try {
      await run(current.signal);
      logger.debug({ loop: name, durationMs: Date.now() - startedAt }, 'reconcile pass finished');
    } catch (error) {
      if (current.signal.aborted) logger.debug({ loop: name, err: error }, 'reconcile pass aborted');
      else logger.error({ loop: name, err: error, durationMs: Date.now() - startedAt }, 'reconcile pass failed');
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    // Unref'd: a reconcile loop alone should not keep a process alive.
    if (!stopped) timer = setTimeout(() => void trigger(), intervalMs).unref();
  };

  const trigger = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      queued ??= running.then(() => {
        queued = undefined;
        return trigger();
      });
      return queued;
    }
    clearTimeout(timer);
    running = pass().finally(() => {
      running = undefined;
      schedule();
    });
    return running;
  };

  void trigger();

  return {
    runNow: trigger,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
      await running;
      await queued;
    },
  };
}
