const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** A byte count for people: 512 B, 4.4 KiB, 12.0 MiB. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** A duration in seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "1 file", "3 files". */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** An ISO date-time without milliseconds, in UTC: 2026-01-31 12:00:05Z. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** The byte counts of the API's quota message, readable: "needs 12.0 MiB; 1.0 GiB of 1.0 GiB used". */
export function quotaSummary(message: string): string | undefined {
  const match = /needs (\d+) bytes .* holds (\d+) of its (\d+) bytes/.exec(message);
  if (!match) return undefined;
  const [, needed, used, quota] = match.map(Number) as [number, number, number, number];
  return `This upload needs ${formatBytes(needed)}; the organization uses ${formatBytes(used)} of its ${formatBytes(quota)}.`;
}
