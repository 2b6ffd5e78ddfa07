import type { DataSource, EntityManager } from 'typeorm';
import { tenantStatement } from '@aitip/kit';
import type { MetricInput, MetricPoint } from '../tracking/api.js';
import { rows, toNumber } from '../sql.js';
import { numberOrText } from '../numbers.js';

/**
 * Appends a batch as one chunk per key and folds it into each series' latest point and extent, in one
 * statement (one round trip). Each chunk's three arrays travel as array literals inside one text
 * array per column (chunks differ in length, and PostgreSQL's multidimensional arrays must not); the
 * per-key summaries, made in memory, go as six more arrays. Both are in key order, so concurrent
 * writers to the same run lock the summary rows in the same order.
 *
 * It writes only when the run and its experiment are active, and answers a row per key when it
 * did: the caller need not look the run up first (one round trip fewer on the ingestion path).
 */
const INSERT_BATCH = `
  WITH writable AS (
    SELECT 1 FROM experiments.runs r JOIN experiments.experiments e ON e.id = r.experiment_id
    WHERE r.id = $2 AND r.org_id = $1 AND r.lifecycle_stage = 'active' AND e.lifecycle_stage = 'active'
  ), inserted AS (
    INSERT INTO experiments.metric_chunks (org_id, run_id, key, min_step, max_step, steps, vals, times)
    SELECT $1, $2, k, lo, hi, s::bigint[], v::float8[], t::bigint[]
    FROM unnest($3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[]) AS u(k, lo, hi, s, v, t)
    WHERE EXISTS (SELECT 1 FROM writable)
  )
  INSERT INTO experiments.run_latest_metrics AS l
    (run_id, org_id, key, value, step, recorded_at, min_value, max_value, point_count)
  SELECT $2, $1, k, v, s, to_timestamp(t::float8 / 1000), lo, hi, n
  FROM unnest($3::text[], $9::bigint[], $10::float8[], $11::bigint[], $12::float8[], $13::float8[], $14::bigint[])
    WITH ORDINALITY AS u(k, s, v, t, lo, hi, n, o)
  WHERE EXISTS (SELECT 1 FROM writable)
  ORDER BY o
  ON CONFLICT (run_id, key) DO UPDATE SET
    value = CASE WHEN (excluded.step, excluded.recorded_at) >= (l.step, l.recorded_at) THEN excluded.value ELSE l.value END,
    step = CASE WHEN (excluded.step, excluded.recorded_at) >= (l.step, l.recorded_at) THEN excluded.step ELSE l.step END,
    recorded_at = CASE WHEN (excluded.step, excluded.recorded_at) >= (l.step, l.recorded_at)
                  THEN excluded.recorded_at ELSE l.recorded_at END,
    min_value = least(l.min_value, excluded.min_value),
    max_value = greatest(l.max_value, excluded.max_value),
    point_count = l.point_count + excluded.point_count
  RETURNING 1`;

/**
 * The order of points in a series: step, then timestamp, then value as PostgreSQL sorts floats
 * (NaN above every number).
 */
function comparePoints(a: MetricPoint, b: MetricPoint): number {
  if (a.step !== b.step) return a.step - b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  if (Number.isNaN(a.value)) return Number.isNaN(b.value) ? 0 : 1;
  if (Number.isNaN(b.value)) return -1;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** A batch's points grouped by key, each group sorted, the groups in key order (UTF-16 code units). */
function chunksOf(metrics: readonly MetricInput[]): Array<[string, MetricInput[]]> {
  const byKey = new Map<string, MetricInput[]>();
  for (const metric of metrics) {
    const points = byKey.get(metric.key);
    if (points) points.push(metric);
    else byKey.set(metric.key, [metric]);
  }
  for (const points of byKey.values()) points.sort(comparePoints);
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Smallest and largest finite value of a chunk, or nulls when it has none. */
function finiteExtent(points: readonly MetricInput[]): [number | null, number | null] {
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    if (p.value < min) min = p.value;
    if (p.value > max) max = p.value;
  }
  return min === Infinity ? [null, null] : [min, max];
}

/** INSERT_BATCH's parameters for a batch of at least one point. */
function batchParams(orgId: string, runId: string, metrics: readonly MetricInput[]): unknown[] {
  const chunks = chunksOf(metrics);
  const cols = {
    key: [] as string[],
    minStep: [] as number[],
    maxStep: [] as number[],
    steps: [] as string[],
    values: [] as string[],
    times: [] as string[],
    latestStep: [] as number[],
    latestValue: [] as Array<number | string>,
    latestTime: [] as number[],
    min: [] as Array<number | null>,
    max: [] as Array<number | null>,
    count: [] as number[],
  };
  for (const [key, points] of chunks) {
    // array literals built here: pg's own array serialization of 1,000 numbers costs more than the
    // rest of the statement's preparation
    let steps = '';
    let values = '';
    let times = '';
    for (const p of points) {
      steps += (steps ? ',' : '') + String(p.step);
      values += (values ? ',' : '') + String(p.value);
      times += (times ? ',' : '') + String(p.timestamp);
    }
    const latest = points[points.length - 1]!;
    const [min, max] = finiteExtent(points);
    cols.key.push(key);
    cols.minStep.push(points[0]!.step);
    cols.maxStep.push(latest.step);
    cols.steps.push(`{${steps}}`);
    cols.values.push(`{${values}}`);
    cols.times.push(`{${times}}`);
    cols.latestStep.push(latest.step);
    cols.latestValue.push(numberOrText(latest.value));
    cols.latestTime.push(latest.timestamp);
    cols.min.push(min);
    cols.max.push(max);
    cols.count.push(points.length);
  }
  return [
    orgId,
    runId,
    cols.key,
    cols.minStep,
    cols.maxStep,
    cols.steps,
    cols.values,
    cols.times,
    cols.latestStep,
    cols.latestValue,
    cols.latestTime,
    cols.min,
    cols.max,
    cols.count,
  ];
}

/** One series of points, ordered by step then timestamp, with its size. */
export interface StoredSeries {
  runId: string;
  key: string;
  points: MetricPoint[];
}

/** The resume point of a paged history: the last (step, timestamp) sent and how many points had exactly it. */
export interface HistoryPosition {
  step: number;
  timestamp: number;
  seen: number;
}

/** Metric points and the per-series summaries search and compare read. */
export const metricStore = {
  /**
   * Appends `metrics` (at least one) to run `runId`; false, writing nothing, when the run or its
   * experiment is not active or not there.
   */
  async append(m: EntityManager, orgId: string, runId: string, metrics: readonly MetricInput[]): Promise<boolean> {
    return (await rows(m, INSERT_BATCH, batchParams(orgId, runId, metrics))).length > 0;
  },

  /** `append` in its own transaction, in one round trip to the database (the ingestion path). */
  async appendAlone(db: DataSource, orgId: string, runId: string, metrics: readonly MetricInput[]): Promise<boolean> {
    return (await tenantStatement(db, orgId, INSERT_BATCH, batchParams(orgId, runId, metrics))).length > 0;
  },
  /** Up to `limit` points (null: all) of one series after `from`, in step, timestamp, value order. */
  async page(
    m: EntityManager,
    orgId: string,
    runId: string,
    key: string,
    from: HistoryPosition | null,
    limit: number | null,
  ): Promise<MetricPoint[]> {
    // chunks that end before the resume step hold nothing of this page
    const found = await rows<{ step: string | number; value: number | string; ms: string | number }>(
      m,
      `SELECT p.step, p.value, p.ms
       FROM experiments.metric_chunks c, unnest(c.steps, c.vals, c.times) AS p(step, value, ms)
       WHERE c.run_id = $1 AND c.org_id = $2 AND c.key = $3
         ${from ? 'AND c.max_step >= $5::bigint AND (p.step, p.ms) >= ($5::bigint, $6::bigint)' : ''}
       ORDER BY p.step, p.ms, p.value LIMIT $4::bigint ${from ? 'OFFSET $7' : ''}`,
      from ? [runId, orgId, key, limit, from.step, from.timestamp, from.seen] : [runId, orgId, key, limit],
    );
    return found.map((p) => ({ step: Number(p.step), value: toNumber(p.value), timestamp: Number(p.ms) }));
  },

  /**
   * Every point of the asked series, ordered; `keys` null means every key of each run. Each chunk
   * comes as three texts of space-separated numbers (far cheaper to move and parse than a row, or an
   * array element, per point) and the chunks of a series are joined here.
   */
  async series(
    m: EntityManager,
    orgId: string,
    runIds: readonly string[],
    keys: readonly string[] | null,
  ): Promise<StoredSeries[]> {
    const found = await rows<{ run_id: string; key: string; s: string; v: string; t: string }>(
      m,
      `SELECT run_id, key, array_to_string(steps, ' ') AS s, array_to_string(vals, ' ') AS v,
         array_to_string(times, ' ') AS t
       FROM experiments.metric_chunks
       WHERE run_id = ANY($1::uuid[]) AND org_id = $2 ${keys ? 'AND key = ANY($3::text[])' : ''}
       ORDER BY key, run_id, min_step`,
      keys ? [runIds, orgId, keys] : [runIds, orgId],
    );
    const series: StoredSeries[] = [];
    let current: (StoredSeries & { sorted: boolean }) | null = null;
    for (const chunk of found) {
      if (!current || current.runId !== chunk.run_id || current.key !== chunk.key) {
        if (current && !current.sorted) current.points.sort(comparePoints);
        current = { runId: chunk.run_id, key: chunk.key, points: [], sorted: true };
        series.push(current);
      }
      const steps = chunk.s.split(' ');
      const values = chunk.v.split(' ');
      const times = chunk.t.split(' ');
      const points = current.points;
      // chunks of one series may overlap (points logged out of order): then the series is sorted whole
      const first = { step: Number(steps[0]), value: Number(values[0]), timestamp: Number(times[0]) };
      if (points.length > 0 && comparePoints(points[points.length - 1]!, first) > 0) current.sorted = false;
      points.push(first);
      for (let i = 1; i < steps.length; i++) {
        points.push({ step: Number(steps[i]), value: Number(values[i]), timestamp: Number(times[i]) });
      }
    }
    if (current && !current.sorted) current.points.sort(comparePoints);
    return series.map(({ runId, key, points }) => ({ runId, key, points }));
  },
};
