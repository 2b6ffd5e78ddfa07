import type { DuckDBResultReader } from '@duckdb/node-api';
import { sqlName } from './duckdb.js';
import type { ColumnProfile } from './types.js';

/** How a column is summarised. */
export type ColumnKind = 'integer' | 'float' | 'decimal' | 'temporal' | 'categorical' | 'other';

export interface SourceColumn {
  name: string;
  type: string;
}

const INTEGER_TYPES = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'UHUGEINT',
]);
const TEMPORAL = /^(DATE|TIME|TIMESTAMP)/;
const CATEGORICAL = /^(VARCHAR|BOOLEAN|UUID|ENUM|JSON)/;

export function columnKind(type: string): ColumnKind {
  if (INTEGER_TYPES.has(type)) return 'integer';
  if (type === 'FLOAT' || type === 'DOUBLE') return 'float';
  if (type.startsWith('DECIMAL')) return 'decimal';
  if (TEMPORAL.test(type) && !type.includes('[')) return 'temporal';
  if (CATEGORICAL.test(type) && !type.includes('[')) return 'categorical';
  return 'other';
}

const isNumeric = (kind: ColumnKind) => kind === 'integer' || kind === 'float' || kind === 'decimal';

/** Bins of an equal-width histogram. */
const BINS = 20;
/**
 * Top values are counted exactly, so only for columns with at most this many distinct values: the
 * count's hash table must fit the memory limit, and on a 1 GiB CSV a column of a million distinct
 * strings costs a third of the second scan.
 */
const TOP_VALUES_MAX_DISTINCT = 100_000;
/** Numeric columns with at most this many distinct values also get top values (class labels). */
const NUMERIC_TOP_VALUES_MAX_DISTINCT = 20;
/** Groups returned per grouping set at most: all of a histogram's bins, or the top values. */
const GROUPS_PER_SET = 21;
/** Distribution keys per GROUPING SETS query. */
const KEYS_PER_QUERY = 64;

/** A number that survives JSON: bigints become numbers when exact, strings otherwise. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

function finiteNumber(value: unknown): number | undefined {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** The expression aggregated for a column: floats without NaN and ±Infinity, decimals as DOUBLE. */
function numericValue(column: SourceColumn, kind: ColumnKind): string {
  const q = sqlName(column.name);
  if (kind === 'float') return `(CASE WHEN isfinite(${q}) THEN ${q}::DOUBLE END)`;
  if (kind === 'decimal') return `${q}::DOUBLE`;
  return q;
}

/** Pass 1: one scan computing count, nulls, min/max/mean/std and a distinct estimate for every column. */
export function summarySql(columns: SourceColumn[], source: string): string {
  const parts = ['count(*) AS "rows"'];
  columns.forEach((column, i) => {
    const q = sqlName(column.name);
    const kind = columnKind(column.type);
    parts.push(`count(${q}) AS c${i}`);
    if (isNumeric(kind)) {
      const v = numericValue(column, kind);
      parts.push(`min(${v}) AS mn${i}`, `max(${v}) AS mx${i}`, `avg(${v}) AS av${i}`, `stddev_pop(${v}) AS sd${i}`);
      parts.push(kind === 'float' ? `count(${v}) AS f${i}` : `count(${q}) AS f${i}`);
    } else if (kind === 'temporal') {
      parts.push(`min(${q})::VARCHAR AS mn${i}`, `max(${q})::VARCHAR AS mx${i}`);
    }
    if (kind !== 'other') parts.push(`approx_count_distinct(${q}) AS d${i}`);
  });
  return `SELECT ${parts.join(', ')} FROM ${source}`;
}

export interface Summary {
  rows: number;
  columns: Array<{
    column: SourceColumn;
    kind: ColumnKind;
    count: number;
    nonNull: number;
    /** Non-null values a histogram counts (finite ones for floats). */
    finite: number;
    min?: number | string;
    max?: number | string;
    minNumber?: number;
    maxNumber?: number;
    mean?: number;
    std?: number;
    distinct?: number;
  }>;
}

export function readSummary(columns: SourceColumn[], reader: DuckDBResultReader): Summary {
  const row = reader.getRowObjectsJS()[0] as Record<string, unknown>;
  const rows = Number(row['rows'] ?? 0);
  return {
    rows,
    columns: columns.map((column, i) => {
      const kind = columnKind(column.type);
      const nonNull = Number(row[`c${i}`] ?? 0);
      const out: Summary['columns'][number] = {
        column,
        kind,
        count: rows,
        nonNull,
        finite: Number(row[`f${i}`] ?? nonNull),
      };
      if (isNumeric(kind)) {
        out.minNumber = finiteNumber(row[`mn${i}`]);
        out.maxNumber = finiteNumber(row[`mx${i}`]);
        const min = jsonSafe(row[`mn${i}`]);
        const max = jsonSafe(row[`mx${i}`]);
        if (typeof min === 'number' || typeof min === 'string') out.min = min;
        if (typeof max === 'number' || typeof max === 'string') out.max = max;
        out.mean = finiteNumber(row[`av${i}`]);
        out.std = finiteNumber(row[`sd${i}`]);
      } else if (kind === 'temporal') {
        if (typeof row[`mn${i}`] === 'string') out.min = row[`mn${i}`] as string;
        if (typeof row[`mx${i}`] === 'string') out.max = row[`mx${i}`] as string;
      }
      if (row[`d${i}`] !== undefined && row[`d${i}`] !== null) out.distinct = Number(row[`d${i}`]);
      return out;
    }),
  };
}

interface HistogramPlan {
  start: number;
  end: number;
  width: number;
  bins: number;
  /** One bin per integer value. */
  unit: boolean;
}

type DistributionKey =
  | { column: number; role: 'histogram'; expr: string; plan: HistogramPlan }
  | { column: number; role: 'top'; expr: string };

function histogramPlan(c: Summary['columns'][number]): HistogramPlan | null {
  if (!isNumeric(c.kind) || c.finite === 0 || c.minNumber === undefined || c.maxNumber === undefined) return null;
  const { minNumber: min, maxNumber: max } = c;
  if (min === max) return null;
  if (c.kind === 'integer' && max - min < BINS)
    return { start: min, end: max + 1, width: 1, bins: max - min + 1, unit: true };
  return { start: min, end: max, width: (max - min) / BINS, bins: BINS, unit: false };
}

function wantsTopValues(c: Summary['columns'][number]): boolean {
  if (c.nonNull === 0 || c.distinct === undefined) return false;
  if (c.kind === 'other') return false;
  // numbers get top values only when few values repeat: class labels, ratings, flags
  if (isNumeric(c.kind) && (c.distinct > NUMERIC_TOP_VALUES_MAX_DISTINCT || c.nonNull < 2 * c.distinct)) return false;
  if (c.distinct > TOP_VALUES_MAX_DISTINCT) return false;
  // nearly unique values (ids, free text) have no "top": every count is 1
  return !(c.nonNull > 1000 && c.distinct >= 0.95 * c.nonNull);
}

function distributionKeys(summary: Summary): DistributionKey[] {
  const keys: DistributionKey[] = [];
  summary.columns.forEach((c, i) => {
    const plan = histogramPlan(c);
    if (plan) {
      const v = numericValue(c.column, c.kind);
      const expr = plan.unit
        ? `(${v} - ${plan.start})::BIGINT`
        : // least() skips NULLs, so a NULL value must not reach it
          `(CASE WHEN ${v} IS NOT NULL THEN least(floor((${v}::DOUBLE - ${plan.start}) / ${plan.width}), ${plan.bins - 1})::BIGINT END)`;
      keys.push({ column: i, role: 'histogram', expr, plan });
    }
    if (wantsTopValues(c)) keys.push({ column: i, role: 'top', expr: `${sqlName(c.column.name)}::VARCHAR` });
  });
  return keys;
}

/**
 * Pass 2: histograms (bins need pass 1's min and max) and exact top values, all in one scan per
 * batch of keys through GROUPING SETS; each set returns at most GROUPS_PER_SET groups.
 */
export function distributionQueries(summary: Summary, source: string): Array<{ sql: string; keys: DistributionKey[] }> {
  const keys = distributionKeys(summary);
  const queries: Array<{ sql: string; keys: DistributionKey[] }> = [];
  for (let from = 0; from < keys.length; from += KEYS_PER_QUERY) {
    const batch = keys.slice(from, from + KEYS_PER_QUERY);
    const names = batch.map((_, k) => `k${k}`);
    const which = `CASE ${names.map((n, k) => `WHEN GROUPING(${n}) = 0 THEN ${k}`).join(' ')} END`;
    const value = `coalesce(${names.map((n) => `${n}::VARCHAR`).join(', ')})`;
    const sql =
      `SELECT s, v, n FROM (SELECT ${which} AS s, ${value} AS v, count(*) AS n ` +
      `FROM (SELECT ${batch.map((key, k) => `${key.expr} AS ${names[k]}`).join(', ')} FROM ${source}) ` +
      `GROUP BY GROUPING SETS (${names.map((n) => `(${n})`).join(', ')})) WHERE v IS NOT NULL ` +
      `QUALIFY row_number() OVER (PARTITION BY s ORDER BY n DESC, v) <= ${GROUPS_PER_SET}`;
    queries.push({ sql, keys: batch });
  }
  return queries;
}

export type Distributions = Map<
  number,
  Pick<ColumnProfile, 'histogram' | 'topValues'> & {
    /** Distinct values counted exactly (or in a sample: see scaleDistributions), when the grouping set returned all its groups. */
    exactDistinct?: number;
    /** Counted on a sample of the rows and scaled to the whole file. */
    estimated?: boolean;
  }
>;

/**
 * Turns distributions counted on a sample of `sampleRows` rows into estimates for the whole file:
 * a histogram's counts are scaled to add up to the column's finite values (counted exactly by
 * pass 1), top values by the ratio of rows.
 */
export function scaleDistributions(summary: Summary, distributions: Distributions, sampleRows: number): void {
  for (const [column, entry] of distributions) {
    const c = summary.columns[column];
    if (!c) continue;
    // a value a sample of many thousand rows misses is rare: when the distinct estimate of pass 1
    // also says few values, the values the sample found are the better count (the estimate is
    // off by one or two on a handful of values)
    if (c.distinct === undefined || c.distinct > GROUPS_PER_SET) delete entry.exactDistinct;
    entry.estimated = true;
    if (entry.histogram) {
      const counts = scaleToTotal(
        entry.histogram.map((bin) => bin.count),
        c.finite,
      );
      if (counts) entry.histogram = entry.histogram.map((bin, b) => ({ ...bin, count: counts[b] ?? 0 }));
      else delete entry.histogram;
    }
    if (entry.topValues && sampleRows > 0) {
      const factor = summary.rows / sampleRows;
      entry.topValues = entry.topValues.map((t) => ({
        value: t.value,
        count: Math.min(c.nonNull, Math.round(t.count * factor)),
      }));
    }
  }
}

/** Whole counts in proportion to `counts` that add up to `total` (largest remainders); null when all are 0. */
function scaleToTotal(counts: number[], total: number): number[] | null {
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum === 0) return null;
  const exact = counts.map((n) => (n * total) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
    left -= 1;
  }
  return out;
}

export function readDistribution(keys: DistributionKey[], reader: DuckDBResultReader, into: Distributions): void {
  const groups = new Map<number, Array<{ value: string; count: number }>>();
  for (const [s, v, n] of reader.getRowsJS()) {
    const list = groups.get(Number(s)) ?? [];
    list.push({ value: String(v), count: Number(n) });
    groups.set(Number(s), list);
  }
  keys.forEach((key, k) => {
    const found = groups.get(k) ?? [];
    const entry = into.get(key.column) ?? {};
    if (key.role === 'top') {
      entry.topValues = found.slice(0, 10);
      if (found.length < GROUPS_PER_SET) entry.exactDistinct = found.length;
    } else {
      const { start, end, width, bins } = key.plan;
      const counts = new Array<number>(bins).fill(0);
      for (const g of found) {
        const bin = Number(g.value);
        if (bin >= 0 && bin < bins) counts[bin] = (counts[bin] ?? 0) + g.count;
      }
      if (key.plan.unit) entry.exactDistinct = counts.filter((c) => c > 0).length;
      entry.histogram = counts.map((count, b) => ({
        start: start + b * width,
        end: b === bins - 1 ? end : start + (b + 1) * width,
        count,
      }));
    }
    into.set(key.column, entry);
  });
}

/** Assembles the column profiles from pass 1's summary and pass 2's distributions. */
export function columnProfiles(summary: Summary, distributions: Distributions): ColumnProfile[] {
  return summary.columns.map((c, i) => {
    const profile: ColumnProfile = {
      name: c.column.name,
      type: c.column.type,
      count: c.count,
      nullCount: c.count - c.nonNull,
    };
    if (c.min !== undefined) profile.min = c.min;
    if (c.max !== undefined) profile.max = c.max;
    if (c.mean !== undefined) profile.mean = c.mean;
    if (c.std !== undefined) profile.std = c.std;
    const d = distributions.get(i);
    if (d?.exactDistinct !== undefined) profile.distinctEstimate = d.exactDistinct;
    else if (c.distinct !== undefined) profile.distinctEstimate = Math.min(c.distinct, c.nonNull);
    if (d?.topValues) profile.topValues = d.topValues;
    if (d?.histogram) profile.histogram = d.histogram;
    if (d?.estimated) profile.distributionEstimated = true;
    else if (isNumeric(c.kind) && c.finite > 0 && c.minNumber !== undefined && c.minNumber === c.maxNumber)
      profile.histogram = [{ start: c.minNumber, end: c.minNumber, count: c.finite }];
    return profile;
  });
}
