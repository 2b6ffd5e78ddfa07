const BADGE_CLASSES: Record<string, string> = {
  READY: 'badge badge-ok',
  INVALID: 'badge badge-bad',
  DELETED: 'badge badge-bad',
  PURGED: 'badge badge-bad',
  ABORTED: 'badge badge-bad',
  EXPIRED: 'badge badge-bad',
};

/** A dataset, version or upload status as a coloured badge (READY green, INVALID red, others grey). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={BADGE_CLASSES[status] ?? 'badge badge-pending'}>{status.toLowerCase()}</span>;
}
