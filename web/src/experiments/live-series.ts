import { lttb } from './charts/downsample';
import type { MetricPoint, MetricSeries } from './operations';

/** A metric series as a run's chart draws it: the fetched history plus the points logged since. */
export interface LiveSeries {
  key: string;
  /** Steps, ascending. */
  xs: number[];
  /** Values; null where one cannot be drawn (NaN, ±∞). */
  ys: (number | null)[];
  /** The latest point (highest step, then latest time): only later points are appended. */
  last: MetricPoint | null;
  /** Points logged, whether drawn or downsampled away. */
  total: number;
  min: number | null;
  max: number | null;
}

/** A series from the history the API answered. */
export function seriesFromHistory(history: MetricSeries): LiveSeries {
  return {
    key: history.key,
    xs: history.points.map((point) => point.step),
    ys: history.points.map((point) => (point.value !== null && Number.isFinite(point.value) ? point.value : null)),
    last: history.last ?? history.points.at(-1) ?? null,
    total: history.total,
    min: history.min,
    max: history.max,
  };
}

function isAfter(point: MetricPoint, last: MetricPoint | null): boolean {
  if (!last) return true;
  return point.step > last.step || (point.step === last.step && point.timestamp > last.timestamp);
}

/**
 * Appends live points to a series, keeping only those after its latest point (a replayed batch
 * repeats points the history already holds). When the series has grown to twice `budget`
 * points it is downsampled back to `budget`, so a run logging for hours stays fast to draw.
 */
export function appendPoints(series: LiveSeries, points: readonly MetricPoint[], budget: number): LiveSeries {
  const fresh = points.filter((point) => isAfter(point, series.last)).sort((a, b) => a.step - b.step);
  if (fresh.length === 0) return series;
  let xs = [...series.xs];
  let ys = [...series.ys];
  let { min, max, last } = series;
  for (const point of fresh) {
    const value = point.value !== null && Number.isFinite(point.value) ? point.value : null;
    xs.push(point.step);
    ys.push(value);
    if (value !== null) {
      min = min === null ? value : Math.min(min, value);
      max = max === null ? value : Math.max(max, value);
    }
    if (isAfter(point, last)) last = point;
  }
  if (xs.length > budget * 2) {
    const drawable = xs.flatMap((x, index) => (ys[index] === null ? [] : [[x, ys[index]!] as const]));
    const reduced = lttb(
      drawable.map(([x]) => x),
      drawable.map(([, y]) => y),
      budget,
    );
    xs = reduced.xs;
    ys = reduced.ys;
  }
  return { ...series, xs, ys, last, min, max, total: series.total + fresh.length };
}

/** A series made of the first live points of a metric the history did not have. */
export function seriesFromPoints(key: string, points: readonly MetricPoint[], budget: number): LiveSeries {
  return appendPoints({ key, xs: [], ys: [], last: null, total: 0, min: null, max: null }, points, budget);
}

/**
 * The history of a metric fetched after its first live points arrived (a metric new to the
 * page), with the live points it does not hold yet kept at its end.
 */
export function mergeHistory(current: LiveSeries | undefined, history: MetricSeries, budget: number): LiveSeries {
  const fetched = seriesFromHistory(history);
  if (!current?.last || !isAfter(current.last, fetched.last)) return fetched;
  const lastStep = fetched.last?.step ?? -Infinity;
  const later = current.xs.flatMap((step, index) =>
    step > lastStep ? [{ step, value: current.ys[index] ?? null, timestamp: 0 }] : [],
  );
  const merged = appendPoints(fetched, later, budget);
  return { ...merged, last: current.last };
}
