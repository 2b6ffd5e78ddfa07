export { formatBytes, formatTime } from '../shell/format';

/** A count with thousands separators; a dash for none. */
export function formatCount(count: number | null | undefined): string {
  return count === null || count === undefined ? '—' : count.toLocaleString();
}

/** A statistic (mean, std, a histogram edge) with at most four significant digits. */
export function formatStatistic(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (Number.isInteger(value)) return value.toLocaleString();
  return Number(value.toPrecision(4)).toLocaleString(undefined, { maximumFractionDigits: 6 });
}

/** Percent of `done` in `total`, whole numbers, 100 only when done. */
export function percent(done: number, total: number): number {
  if (total <= 0) return 100;
  const value = Math.floor((done / total) * 100);
  return done >= total ? 100 : Math.min(value, 99);
}
