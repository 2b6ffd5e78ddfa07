const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** A byte count for people: 1.5 MiB, 820 B. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${BYTE_UNITS[unit]}`;
}

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

/** A timestamp in the user's locale. */
export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** Percent of `done` in `total`, whole numbers, 100 only when done. */
export function percent(done: number, total: number): number {
  if (total <= 0) return 100;
  const value = Math.floor((done / total) * 100);
  return done >= total ? 100 : Math.min(value, 99);
}
