import type { MetricPoint } from '../tracking/api.js';

/**
 * Reduces a metric series to at most `threshold` points with Largest-Triangle-Three-Buckets
 * (x = step, y = value), which keeps spikes and turns that evenly spaced sampling would drop, so
 * a chart of 1,000 points looks like the chart of all of them. The first and last points are kept.
 *
 * `points` must be in step order (then timestamp, as the history is stored). NaN and ±Infinity
 * cannot be compared by area: they never win a bucket that holds a finite point, but a bucket of
 * nothing but them keeps one, so a stretch where training diverged still shows as a gap.
 */
export function downsample(points: readonly MetricPoint[], threshold: number): MetricPoint[] {
  const n = points.length;
  if (!Number.isFinite(threshold) || threshold >= n) return [...points];
  const target = Math.floor(threshold);
  if (target <= 0) return [];
  if (target === 1) return [points[0]!];
  if (target === 2) return [points[0]!, points[n - 1]!];

  const sampled: MetricPoint[] = [points[0]!];
  // the last finite point chosen: the triangle's first corner
  let anchor: MetricPoint | null = isFinitePoint(points[0]!) ? points[0]! : null;
  const bucketSize = (n - 2) / (target - 2);
  for (let bucket = 0; bucket < target - 2; bucket++) {
    const start = Math.floor(bucket * bucketSize) + 1;
    const end = Math.min(Math.floor((bucket + 1) * bucketSize) + 1, n - 1);
    const next = average(points, end, Math.min(Math.floor((bucket + 2) * bucketSize) + 1, n));

    let chosen: MetricPoint | null = null;
    let largest = -1;
    for (let i = start; i < end; i++) {
      const p = points[i]!;
      if (!isFinitePoint(p)) continue;
      const area = triangleArea(anchor, p, next);
      if (area > largest) {
        largest = area;
        chosen = p;
      }
    }
    if (chosen) anchor = chosen;
    sampled.push(chosen ?? points[start]!);
  }
  sampled.push(points[n - 1]!);
  return sampled;
}

/** The same function under the algorithm's name. */
export const lttb = downsample;

function isFinitePoint(p: MetricPoint): boolean {
  return Number.isFinite(p.value) && Number.isFinite(p.step);
}

/** Mean position of the finite points in [from, to), or null when there are none. */
function average(points: readonly MetricPoint[], from: number, to: number): { x: number; y: number } | null {
  let x = 0;
  let y = 0;
  let count = 0;
  for (let i = from; i < to; i++) {
    const p = points[i]!;
    if (!isFinitePoint(p)) continue;
    x += p.step;
    y += p.value;
    count++;
  }
  return count === 0 ? null : { x: x / count, y: y / count };
}

/**
 * Twice the area of the triangle anchor–p–next; with a corner missing (no finite point before or
 * after) the vertical distance to the corner that exists, so the most extreme point still wins.
 */
function triangleArea(anchor: MetricPoint | null, p: MetricPoint, next: { x: number; y: number } | null): number {
  if (anchor && next) {
    return Math.abs(
      (anchor.step - next.x) * (p.value - anchor.value) - (anchor.step - p.step) * (next.y - anchor.value),
    );
  }
  if (anchor) return Math.abs(p.value - anchor.value);
  if (next) return Math.abs(p.value - next.y);
  return 0;
}
