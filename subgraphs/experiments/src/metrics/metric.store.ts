import type { EntityManager } from 'typeorm';
import type { MetricInput, MetricPoint } from '../tracking/api.js';
import { rows, toNumber } from '../sql.js';
import { numberOrText } from '../numbers.js';

/** A recorded_at column as milliseconds since the epoch (stored with microsecond precision). */
const MS = `round(extract(epoch FROM recorded_at) * 1000)::float8`;

/**
 * Appends a batch of points and folds it into each series' latest point and extent, in one statement
 * (one round trip): the points travel as four arrays, one parameter each, and the batch's per-key
 * summary, made in memory, as seven more. Summaries are upserted in key order, so concurrent writers
 * to the same run lock those rows in the same order.
 */
const INSERT_BATCH = `
  WITH inserted AS (
    INSERT INTO experiments.metric_points (org_id, run_id, key, step, value, recorded_at)
    SELECT $1, $2, k, s, v, to_timestamp(t::float8 / 1000)
    FROM unnest($3::text[], $4::bigint[], $5::float8[], $6::bigint[]) AS u(k, s, v, t)
  )
  INSERT INTO experiments.run_latest_metrics AS l
    (run_id, org_id, key, value, step, recorded_at, min_value, max_value, point_count)
  SELECT $2, $1, k, v, s, to_timestamp(t::float8 / 1000), lo, hi, n
  FROM unnest($7::text[], $8::bigint[], $9::float8[], $10::bigint[], $11::float8[], $12::float8[], $13::bigint[])
    WITH ORDINALITY AS u(k, s, v, t, lo, hi, n, o)
  ORDER BY o
  ON CONFLICT (run_id, key) DO UPDATE SET
    value = CASE WHEN (excluded.step, excluded.recorded_at) >= (l.step, l.recorded_at) THEN excluded.value ELSE l.value END,
    step = CASE WHEN (excluded.step, excluded.recorded_at) >= (l.step, l.recorded_at) THEN excluded.step ELSE l.step END,
    recorded_at = CASE WHEN (excluded.step, excluded.recorded_at) >= (l.step, l.recorded_at)
                  THEN excluded.recorded_at ELSE l.recorded_at END,
    min_value = least(l.min_value, excluded.min_value),
    max_value = greatest(l.max_value, excluded.max_value),
    point_count = l.point_count + excluded.point_count`;

/** A batch's summary of one key: its latest point, the extent of its finite values, its size. */
interface KeySummary {
  latest: MetricInput;
  min: number | null;
  max: number | null;
  count: number;
}

/** Whether `a` is later than `b`: higher step, then later timestamp, then (as PostgreSQL sorts floats, NaN last) higher value. */
function isLater(a: MetricInput, b: MetricInput): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  if (Number.isNaN(b.value)) return false;
  return Number.isNaN(a.value) || a.value > b.value;
}

/** Per key, in key order (UTF-16 code units: any fixed order serves for locking). */
function summarize(metrics: readonly MetricInput[]): Array<[string, KeySummary]> {
  const byKey = new Map<string, KeySummary>();
  for (const metric of metrics) {
    const finite = Number.isFinite(metric.value);
    const summary = byKey.get(metric.key);
    if (!summary) {
      byKey.set(metric.key, {
        latest: metric,
        min: finite ? metric.value : null,
        max: finite ? metric.value : null,
        count: 1,
      });
      continue;
    }
    summary.count++;
    if (isLater(metric, summary.latest)) summary.latest = metric;
    if (finite) {
      if (summary.min === null || metric.value < summary.min) summary.min = metric.value;
      if (summary.max === null || metric.value > summary.max) summary.max = metric.value;
    }
  }
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
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
  async append(m: EntityManager, orgId: string, runId: string, metrics: readonly MetricInput[]): Promise<void> {
    if (metrics.length === 0) return;
    // the four point arrays go as array literals built here: pg's own array serialization costs
    // about a tenth of the whole log-batch call on 1,000 points
    let keys = '';
    let steps = '';
    let values = '';
    let times = '';
    for (const metric of metrics) {
      keys += (keys ? ',' : '') + arrayText(metric.key);
      steps += (steps ? ',' : '') + String(metric.step);
      values += (values ? ',' : '') + String(numberOrText(metric.value));
      times += (times ? ',' : '') + String(metric.timestamp);
    }
    const summaries = summarize(metrics);
    await m.query(INSERT_BATCH, [
      orgId,
      runId,
      `{${keys}}`,
      `{${steps}}`,
      `{${values}}`,
      `{${times}}`,
      summaries.map(([key]) => key),
      summaries.map(([, s]) => s.latest.step),
      summaries.map(([, s]) => numberOrText(s.latest.value)),
      summaries.map(([, s]) => s.latest.timestamp),
      summaries.map(([, s]) => s.min),
      summaries.map(([, s]) => s.max),
      summaries.map(([, s]) => s.count),
    ]);
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
    const found = await rows<{ step: string | number; value: number | string; ms: number | string }>(
      m,
      from
        ? `SELECT step, value, ${MS} AS ms FROM experiments.metric_points
           WHERE run_id = $1 AND org_id = $2 AND key = $3
             AND (step, recorded_at) >= ($4::bigint, to_timestamp($5::float8 / 1000))
           ORDER BY step, recorded_at, value LIMIT $6::bigint OFFSET $7`
        : `SELECT step, value, ${MS} AS ms FROM experiments.metric_points
           WHERE run_id = $1 AND org_id = $2 AND key = $3
           ORDER BY step, recorded_at, value LIMIT $4::bigint`,
      from ? [runId, orgId, key, from.step, from.timestamp, limit, from.seen] : [runId, orgId, key, limit],
    );
    return found.map((p) => ({ step: Number(p.step), value: toNumber(p.value), timestamp: toNumber(p.ms) }));
  },

  /**
   * Every point of the asked series, one row per series with its points as arrays (far cheaper to
   * move and parse than one row per point); `keys` null means every key of each run.
   */
  async series(
    m: EntityManager,
    orgId: string,
    runIds: readonly string[],
    keys: readonly string[] | null,
  ): Promise<StoredSeries[]> {
    // each series as one text of "step value ms" triples: far cheaper to move and parse than one row,
    // or one array element, per point
    const found = await rows<{ run_id: string; key: string; pts: string }>(
      m,
      `SELECT run_id, key,
         string_agg(step::text || ' ' || value::text || ' ' || ${MS}::text, ' ' ORDER BY step, recorded_at, value) AS pts
       FROM experiments.metric_points
       WHERE run_id = ANY($1::uuid[]) AND org_id = $2 ${keys ? 'AND key = ANY($3::text[])' : ''}
       GROUP BY run_id, key
       ORDER BY key, run_id`,
      keys ? [runIds, orgId, keys] : [runIds, orgId],
    );
    return found.map((row) => {
      const fields = row.pts.split(' ');
      const points: MetricPoint[] = new Array(fields.length / 3);
      for (let i = 0, j = 0; j < fields.length; i++, j += 3) {
        points[i] = { step: Number(fields[j]), value: Number(fields[j + 1]), timestamp: Number(fields[j + 2]) };
      }
      return { runId: row.run_id, key: row.key, points };
    });
  },
};

/** A text element of a PostgreSQL array literal: always quoted, with `"` and `\\` escaped. */
function arrayText(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}
