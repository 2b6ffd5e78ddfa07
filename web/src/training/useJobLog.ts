import { useEffect, useRef, useState } from 'react';
import type { FormattedExecutionResult } from 'graphql';
import { useSubscriptionClient } from '../shell/subscription-client';
import type { LiveConnection, LiveStreamState } from '../experiments/useLiveStream';
import { LogStore } from './log-store';
import { JOB_LOGS_SOURCE, type LogLine } from './operations';

// Batches arriving faster than this are drawn together: a job printing 50k lines/s re-renders
// the (virtualized) viewer a few times a second, not once per batch.
const DRAW_INTERVAL_MS = 100;
// After the stream ended or dropped, subscribe again from the next line this much later.
const RESUBSCRIBE_DELAY_MS = 3_000;

interface LogBatch {
  firstLine: number;
  lines: LogLine[];
}

/** A job's log as it grows: the store, a counter that changes when lines were added, and the stream's state. */
export interface JobLog {
  store: LogStore;
  /** Lines drawn so far (changes at most every DRAW_INTERVAL_MS). */
  count: number;
  live: LiveStreamState;
}

function describe(failure: unknown): string {
  if (Array.isArray(failure)) return failure.map((error: { message?: unknown }) => String(error.message)).join(' ');
  return failure instanceof Error ? failure.message : 'The log stream closed.';
}

/**
 * Follows `jobLogs` from line 0: the archived lines of earlier attempts, then new ones as they
 * are printed. After a drop it resumes from the first line it does not hold.
 */
export function useJobLog(jobId: string): JobLog {
  const client = useSubscriptionClient();
  const storeRef = useRef<LogStore | null>(null);
  storeRef.current ??= new LogStore();
  const store = storeRef.current;
  const [count, setCount] = useState(0);
  const [live, setLive] = useState<LiveStreamState>({ connection: 'connecting', problem: null });

  useEffect(() => {
    let stopped = false;
    let unsubscribe = () => {};
    let drawTimer: ReturnType<typeof setTimeout> | undefined;
    let resubscribeTimer: ReturnType<typeof setTimeout> | undefined;
    const update = (connection: LiveConnection, problem: string | null = null) => {
      if (!stopped) setLive({ connection, problem });
    };
    function scheduleDraw() {
      if (drawTimer !== undefined) return;
      drawTimer = setTimeout(() => {
        drawTimer = undefined;
        if (!stopped) setCount(store.length);
      }, DRAW_INTERVAL_MS);
    }
    function resubscribeLater() {
      if (stopped) return;
      clearTimeout(resubscribeTimer);
      resubscribeTimer = setTimeout(subscribe, RESUBSCRIBE_DELAY_MS);
    }
    function subscribe() {
      unsubscribe = client.subscribe<{ jobLogs: LogBatch }>(
        { query: JOB_LOGS_SOURCE, variables: { jobId, fromLine: store.length } },
        {
          next(result: FormattedExecutionResult<{ jobLogs: LogBatch }>) {
            if (stopped) return;
            const batch = result.data?.jobLogs;
            if (!batch) {
              if (result.errors?.length) update('live', describe(result.errors));
              return;
            }
            update('live');
            if (store.append(batch.lines) > 0) scheduleDraw();
          },
          error(failure) {
            if (Array.isArray(failure)) {
              update('stopped', describe(failure));
              return;
            }
            update('reconnecting', describe(failure));
            resubscribeLater();
          },
          complete() {
            update('reconnecting');
            resubscribeLater();
          },
        },
      );
    }
    subscribe();
    return () => {
      stopped = true;
      clearTimeout(drawTimer);
      clearTimeout(resubscribeTimer);
      unsubscribe();
    };
  }, [client, jobId, store]);

  return { store, count, live };
}
