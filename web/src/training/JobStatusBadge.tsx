import type { JobStatus } from './operations';

const BADGE_CLASSES: Partial<Record<JobStatus, string>> = {
  SUCCEEDED: 'badge badge-ok',
  FAILED: 'badge badge-bad',
  CANCELLED: 'badge badge-bad',
  TIMED_OUT: 'badge badge-bad',
  RUNNING: 'badge badge-running',
};

/** A job's status as a coloured badge (succeeded green, failed/cancelled/timed out red, running blue). */
export function JobStatusBadge({ status }: { status: JobStatus }) {
  return (
    <span className={BADGE_CLASSES[status] ?? 'badge badge-pending'} data-status={status}>
      {status.toLowerCase().replace('_', ' ')}
    </span>
  );
}
