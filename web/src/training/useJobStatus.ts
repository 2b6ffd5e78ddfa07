import { useCallback, useState } from 'react';
import { useLiveStream, type LiveStreamState } from '../experiments/useLiveStream';
import { JOB_EVENTS_SOURCE, type JobEvent, type JobRow, type JobStatus } from './operations';

/** A job's status as it changes: what the query answered, then each `jobEvents` transition. */
export interface LiveJobStatus {
  status: JobStatus;
  /** The highest attempt number seen. */
  attempts: number;
  /** The latest event's message, when it had one. */
  message: string | null;
  /** The latest event, to react to (refetch details) when it changes. */
  lastEvent: JobEvent | null;
  live: LiveStreamState;
}

/**
 * Follows a job's `jobEvents` on top of the state a query answered. The stream replays the
 * transitions it still holds first: those older than the queried state are skipped, so the
 * badge never steps back. `follow` false subscribes to nothing (e.g. an ended job in the list).
 */
export function useJobStatus(job: Pick<JobRow, 'id' | 'status' | 'attemptCount' | 'updatedAt'>, follow = true) {
  const [lastEvent, setLastEvent] = useState<JobEvent | null>(null);
  const since = Date.parse(job.updatedAt);
  const onEvent = useCallback(
    (event: JobEvent) => {
      if (Date.parse(event.at) < since) return;
      setLastEvent(event);
    },
    [since],
  );
  const live = useLiveStream<JobEvent>(JOB_EVENTS_SOURCE, 'jobEvents', follow ? { jobId: job.id } : null, onEvent);
  // A refetch after the event (e.g. a retry's new state) is newer than the event: it wins then.
  const event = lastEvent && Date.parse(lastEvent.at) >= since ? lastEvent : null;
  const state: LiveJobStatus = {
    status: event?.status ?? job.status,
    attempts: Math.max(job.attemptCount, lastEvent?.attempt ?? 0),
    message: event?.message ?? null,
    lastEvent,
    live,
  };
  return state;
}
