import type { RunStatus } from './operations';

const BADGE_CLASSES: Record<RunStatus, string> = {
  FINISHED: 'badge badge-ok',
  FAILED: 'badge badge-bad',
  KILLED: 'badge badge-bad',
  RUNNING: 'badge badge-running',
  SCHEDULED: 'badge badge-pending',
};

/** A run's status as a coloured badge (finished green, failed and killed red, running blue). */
export function RunStatusBadge({ status, deleted = false }: { status: RunStatus; deleted?: boolean }) {
  if (deleted) return <span className="badge badge-bad">deleted</span>;
  return <span className={BADGE_CLASSES[status] ?? 'badge badge-pending'}>{status.toLowerCase()}</span>;
}
