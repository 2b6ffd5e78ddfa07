import type { ColumnProfile } from './types.js';

const BINS = 20;

/**
 * Count, NaNs, infinities, min, max, mean and population variance of numbers seen chunk by chunk;
 * each chunk's mean and squared deviations are merged with Chan et al.'s pairwise update, which
 * stays accurate over billions of values.
 */
export class RunningStats {
  /** Finite values. */
  count = 0;
  nan = 0;
  infinite = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  private mean = 0;
  private m2 = 0;

  addChunk(values: ArrayLike<number>): void {
    let n = 0;
    let sum = 0;
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i]!;
      if (v !== v) this.nan += 1;
      else if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) this.infinite += 1;
      else {
        n += 1;
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    this.min = min;
    this.max = max;
    if (n === 0) return;
    const chunkMean = sum / n;
    let chunkM2 = 0;
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i]!;
      if (Number.isFinite(v)) chunkM2 += (v - chunkMean) * (v - chunkMean);
    }
    const total = this.count + n;
    const delta = chunkMean - this.mean;
    this.mean += (delta * n) / total;
    this.m2 += chunkM2 + (delta * delta * this.count * n) / total;
    this.count = total;
  }

  get average(): number | undefined {
    return this.count ? this.mean : undefined;
  }

  get std(): number | undefined {
    return this.count ? Math.sqrt(this.m2 / this.count) : undefined;
  }
}

/** Equal-width bins between min and max — one per value for integers spanning fewer than 20. */
export class HistogramCounter {
  readonly counts: number[];
  private readonly width: number;

  constructor(
    private readonly start: number,
    private readonly end: number,
    readonly unit: boolean,
  ) {
    const bins = unit ? end - start + 1 : start === end ? 1 : BINS;
    this.counts = new Array<number>(bins).fill(0);
    this.width = unit ? 1 : (end - start) / bins;
  }

  static for(min: number, max: number, integer: boolean): HistogramCounter {
    return new HistogramCounter(min, max, integer && max - min < BINS);
  }

  addChunk(values: ArrayLike<number>): void {
    const { counts, start, width } = this;
    const last = counts.length - 1;
    const scale = width > 0 ? 1 / width : 0;
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      const bin = Math.floor((v - start) * scale);
      counts[bin < 0 ? 0 : bin > last ? last : bin]! += 1;
    }
  }

  bins(): NonNullable<ColumnProfile['histogram']> {
    const { counts, start, width, unit } = this;
    return counts.map((count, b) => ({
      start: start + b * width,
      end: unit ? start + b + 1 : b === counts.length - 1 ? this.end : start + (b + 1) * width,
      count,
    }));
  }

  /** For one-bin-per-value histograms: the most frequent values. */
  topValues(label: (value: number) => string = String): Array<{ value: string; count: number }> {
    return this.counts
      .map((count, b) => ({ value: label(this.start + b), count }))
      .filter((v) => v.count > 0)
      .sort((a, b) => b.count - a.count)
      .slice(0, 10);
  }
}

/** Profile of a column of numbers held in memory (image widths and heights). */
export function numberColumn(name: string, type: string, values: number[]): ColumnProfile {
  const stats = new RunningStats();
  stats.addChunk(values);
  const profile: ColumnProfile = { name, type, count: values.length, nullCount: 0 };
  if (!stats.count) return profile;
  const histogram = HistogramCounter.for(stats.min, stats.max, true);
  histogram.addChunk(values);
  profile.min = stats.min;
  profile.max = stats.max;
  profile.mean = stats.average!;
  profile.std = stats.std!;
  profile.distinctEstimate = new Set(values).size;
  profile.histogram = histogram.bins();
  if (histogram.unit) profile.topValues = histogram.topValues();
  return profile;
}

/** Profile of a column of labels held in memory; null entries count as nulls. */
export function labelColumn(name: string, values: Array<string | null>): ColumnProfile {
  const counts = new Map<string, number>();
  let nulls = 0;
  for (const v of values) {
    if (v === null) nulls += 1;
    else counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const profile: ColumnProfile = {
    name,
    type: 'VARCHAR',
    count: values.length,
    nullCount: nulls,
    distinctEstimate: counts.size,
  };
  if (counts.size)
    profile.topValues = [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
      .slice(0, 10);
  return profile;
}
