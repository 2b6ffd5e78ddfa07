import type pg from 'pg';
import type { BenchPlatform } from '../datasets/platform.js';

/** One repetition of the history comparison, in milliseconds. */
export interface HistoryRound {
  /** `metricHistories` through the router, downsampled to `points` per run. */
  platformMs: number;
  /** The raw query of the same rows, every point, straight from PostgreSQL. */
  rawMs: number;
  /** Points the platform returned in all, and rows the raw query returned. */
  platformPoints: number;
  rawRows: number;
  platformBytes: number;
}

const HISTORY_QUERY = `query ($runIds: [ID!]!, $keys: [String!], $points: Int) {
  metricHistories(runIds: $runIds, keys: $keys, points: $points) { runId key total min max downsampled points { step value timestamp } }
}`;

/**
 * Fetches the history of `key` for every run both ways; the two take turns in which goes first.
 * The raw side is what a client reading the table itself would run: every point, ordered.
 */
export async function historyRound(
  platform: BenchPlatform,
  db: pg.Pool,
  runIds: string[],
  key: string,
  points: number,
  repetition: number,
): Promise<HistoryRound> {
  const viaPlatform = async () => {
    const started = performance.now();
    const response = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${platform.apiKey}` },
      body: JSON.stringify({ query: HISTORY_QUERY, variables: { runIds, keys: [key], points } }),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    const body = JSON.parse(text) as {
      data?: { metricHistories: Array<{ points: unknown[] }> };
      errors?: unknown[];
    };
    if (!body.data || body.errors?.length) throw new Error(`metricHistories failed: ${text.slice(0, 500)}`);
    const series = body.data.metricHistories;
    if (series.length !== runIds.length)
      throw new Error(`metricHistories returned ${series.length} series for ${runIds.length} runs`);
    return { ms, points: series.reduce((n, s) => n + s.points.length, 0), bytes: text.length };
  };
  const viaSql = async () => {
    const started = performance.now();
    const result = await db.query(
      `SELECT c.run_id, p.step, p.value, p.ms
       FROM experiments.metric_chunks c, unnest(c.steps, c.vals, c.times) AS p(step, value, ms)
       WHERE c.run_id = ANY($1::uuid[]) AND c.key = $2 ORDER BY c.run_id, p.step, p.ms`,
      [runIds, key],
    );
    return { ms: performance.now() - started, rows: result.rowCount ?? 0 };
  };
  let platformResult: Awaited<ReturnType<typeof viaPlatform>>;
  let raw: Awaited<ReturnType<typeof viaSql>>;
  if (repetition % 2 === 0) {
    platformResult = await viaPlatform();
    raw = await viaSql();
  } else {
    raw = await viaSql();
    platformResult = await viaPlatform();
  }
  return {
    platformMs: platformResult.ms,
    rawMs: raw.ms,
    platformPoints: platformResult.points,
    rawRows: raw.rows,
    platformBytes: platformResult.bytes,
  };
}
