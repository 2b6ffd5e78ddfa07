import type uPlot from 'uplot';

/** One line of a chart: its points in ascending x order; null y for a value that cannot be drawn (NaN, ±∞). */
export interface ChartSeries {
  label: string;
  color: string;
  xs: readonly number[];
  ys: readonly (number | null)[];
}

// Up to this many distinct x values, every series keeps its exact x positions.
const EXACT_COLUMNS = 4_000;
// Beyond that, x values snap to this many evenly spaced columns (more than a chart has pixels).
const SNAPPED_COLUMNS = 2_000;

/**
 * uPlot draws series that share one x array. Runs log at different steps (and the API's
 * downsampling keeps different ones per run), so this merges their x values into one array
 * with nulls where a series has no point, which uPlot bridges (spanGaps). Many distinct x
 * values snap to a fixed grid, so 100 runs never make a 100 × 100,000 table.
 */
export function alignSeries(series: readonly ChartSeries[]): uPlot.AlignedData {
  const distinct = new Set<number>();
  for (const line of series) for (const x of line.xs) distinct.add(x);
  if (distinct.size <= EXACT_COLUMNS) {
    const xs = [...distinct].sort((a, b) => a - b);
    const column = new Map(xs.map((x, index) => [x, index]));
    const columns = series.map((line) => {
      const values: (number | null)[] = new Array<number | null>(xs.length).fill(null);
      line.xs.forEach((x, index) => (values[column.get(x)!] = line.ys[index] ?? null));
      return values;
    });
    return [xs, ...columns];
  }
  let min = Infinity;
  let max = -Infinity;
  for (const x of distinct) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const width = (max - min) / (SNAPPED_COLUMNS - 1);
  const xs = Array.from({ length: SNAPPED_COLUMNS }, (_, index) => min + index * width);
  const columns = series.map((line) => {
    const values: (number | null)[] = new Array<number | null>(SNAPPED_COLUMNS).fill(null);
    line.xs.forEach((x, index) => {
      const y = line.ys[index] ?? null;
      if (y !== null) values[Math.round((x - min) / width)] = y;
    });
    return values;
  });
  return [xs, ...columns];
}

/** A colour for the n-th series: hues a golden angle apart, so neighbours differ even among 100. */
export function seriesColor(index: number): string {
  return `hsl(${Math.round((index * 137.508) % 360)}, 68%, 42%)`;
}
