import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Metric keys each batch spreads its points over (a training loop logs a handful per step). */
const KEYS = [
  'loss',
  'accuracy',
  'val_loss',
  'val_accuracy',
  'lr',
  'grad_norm',
  'epoch_time',
  'throughput',
  'f1',
  'auc',
];

/** One side of an ingestion round: points stored and how fast. */
export interface IngestResult {
  points: number;
  seconds: number;
  pointsPerSecond: number;
  /** log-batch calls (platform) or COPY statements (raw). */
  calls: number;
  /** Median and 99th percentile of one call, milliseconds (platform only). */
  callMedianMs?: number;
  callP99Ms?: number;
}

export interface IngestRound {
  platform: IngestResult;
  /** The points as rows, one per point, COPYed into a table of that shape (the old layout). */
  raw: IngestResult;
  /** The same points as the platform's chunks, COPYed into `experiments.metric_chunks`. */
  rawChunks: IngestResult;
}

/**
 * The row-per-point table the raw COPY writes to: the shape, and the index, the platform's points
 * had before they were stored in chunks. Created in the benchmark's database, outside the
 * platform's schema.
 */
export const POINT_TABLE = 'public.reference_metric_points';
export const CREATE_POINT_TABLE = `
  CREATE TABLE ${POINT_TABLE} (
    org_id uuid NOT NULL, run_id uuid NOT NULL, key text NOT NULL, step bigint NOT NULL,
    value double precision NOT NULL, recorded_at timestamptz NOT NULL);
  CREATE INDEX reference_metric_points_series ON ${POINT_TABLE} (run_id, key, step, recorded_at)`;

/** The value of point `i` of a series: a decaying curve with noise, like a loss. */
const valueOf = (i: number) => Math.exp(-i / 50_000) + Math.random() * 0.01;

/** A log-batch body of `points` points over KEYS, steps from `firstStep`. */
function batchBody(runId: string, points: number, firstStep: number, timestamp: number): string {
  const metrics = new Array<{ key: string; value: number; timestamp: number; step: number }>(points);
  for (let i = 0; i < points; i++) {
    const step = firstStep + Math.floor(i / KEYS.length);
    metrics[i] = { key: KEYS[i % KEYS.length]!, value: valueOf(step), timestamp, step };
  }
  return JSON.stringify({ run_id: runId, metrics });
}

/** The calls the benchmark makes through the router's MLflow REST API, as an MLflow client would. */
export function mlflow(url: string, apiKey: string) {
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${url}/api/2.0/mlflow/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${path} answered HTTP ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  };
  return {
    post,
    async createExperiment(name: string): Promise<string> {
      const created = await post<{ experiment_id: string }>('experiments/create', { name: `${name}-${Date.now()}` });
      return created.experiment_id;
    },
    async createRun(experimentId: string, name: string): Promise<string> {
      const created = await post<{ run: { info: { run_id: string } } }>('runs/create', {
        experiment_id: experimentId,
        run_name: name,
        start_time: Date.now(),
      });
      return created.run.info.run_id;
    },
    /** Logs `points` points of one key per run, `batch` at a time, `concurrency` calls in flight. */
    async fillHistory(runIds: string[], key: string, points: number, batch: number, concurrency: number) {
      const jobs: Array<() => Promise<unknown>> = [];
      for (const runId of runIds)
        for (let from = 0; from < points; from += batch) {
          const timestamp = Date.now();
          const metrics = Array.from({ length: Math.min(batch, points - from) }, (_, i) => ({
            key,
            value: valueOf((from + i) * 10) + Math.sin((from + i) / 500) * 0.05,
            timestamp,
            step: from + i,
          }));
          jobs.push(() => post('runs/log-batch', { run_id: runId, metrics }));
        }
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < jobs.length) await jobs[next++]!();
        }),
      );
    },
  };
}

/**
 * One writer per run, each sending log-batch calls back to back for `seconds`; counts the points
 * acknowledged (an answer means the batch is committed). Steps start at `firstStep`.
 */
export async function logBatches(
  api: ReturnType<typeof mlflow>,
  runIds: string[],
  batchPoints: number,
  seconds: number,
  firstStep: number,
): Promise<IngestResult> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const durations: number[] = [];
  let points = 0;
  let lastAck = started;
  await Promise.all(
    runIds.map(async (runId) => {
      for (let step = firstStep; performance.now() < deadline; step += batchPoints / KEYS.length) {
        const body = batchBody(runId, batchPoints, step, Date.now());
        const sent = performance.now();
        await api.post('runs/log-batch', body);
        lastAck = performance.now();
        durations.push(lastAck - sent);
        points += batchPoints;
      }
    }),
  );
  const elapsed = (lastAck - started) / 1000;
  durations.sort((a, b) => a - b);
  return {
    points,
    seconds: elapsed,
    pointsPerSecond: points / elapsed,
    calls: durations.length,
    callMedianMs: durations[Math.floor(durations.length / 2)] ?? 0,
    callP99Ms: durations[Math.min(durations.length - 1, Math.floor(durations.length * 0.99))] ?? 0,
  };
}

/** COPYs `text` from a generator per writer, each on its own connection, all at once; seconds taken. */
async function copyAll(
  db: pg.Pool,
  statement: string,
  writers: number,
  produce: (writer: number) => Generator<string>,
): Promise<number> {
  const clients = await Promise.all(Array.from({ length: writers }, () => db.connect()));
  try {
    const started = performance.now();
    await Promise.all(
      clients.map((client, w) => pipeline(Readable.from(produce(w)), client.query(copyFrom(statement)))),
    );
    return (performance.now() - started) / 1000;
  } finally {
    for (const client of clients) client.release();
  }
}

/**
 * The raw reference: `points` rows of the same shape as the platform's points, one row per point,
 * into the row-per-point table (POINT_TABLE), one COPY FROM STDIN per writer on its own connection.
 */
export async function copyPoints(
  db: pg.Pool,
  orgId: string,
  runIds: string[],
  points: number,
  chunkPoints: number,
  firstStep: number,
): Promise<IngestResult> {
  const perWriter = Math.ceil(points / runIds.length);
  const seconds = await copyAll(
    db,
    `COPY ${POINT_TABLE} (org_id, run_id, key, step, value, recorded_at) FROM STDIN`,
    runIds.length,
    function* (w) {
      for (let written = 0; written < perWriter;) {
        const n = Math.min(chunkPoints, perWriter - written);
        const at = new Date().toISOString();
        let text = '';
        for (let i = 0; i < n; i++) {
          const step = firstStep + Math.floor((written + i) / KEYS.length);
          text += `${orgId}\t${runIds[w]}\t${KEYS[(written + i) % KEYS.length]}\t${step}\t${valueOf(step)}\t${at}\n`;
        }
        written += n;
        yield text;
      }
    },
  );
  const total = perWriter * runIds.length;
  return { points: total, seconds, pointsPerSecond: total / seconds, calls: runIds.length };
}

/**
 * The same points as the platform stores them: per writer, batches of `batchPoints` points, each
 * batch one row per key (sorted steps, values and millisecond times as arrays), COPYed into
 * `experiments.metric_chunks`.
 */
export async function copyChunks(
  db: pg.Pool,
  orgId: string,
  runIds: string[],
  points: number,
  batchPoints: number,
  firstStep: number,
): Promise<IngestResult> {
  const perWriter = Math.ceil(points / runIds.length);
  const seconds = await copyAll(
    db,
    'COPY experiments.metric_chunks (org_id, run_id, key, min_step, max_step, steps, vals, times) FROM STDIN',
    runIds.length,
    function* (w) {
      for (let written = 0; written < perWriter;) {
        const n = Math.min(batchPoints, perWriter - written);
        const at = Date.now();
        let text = '';
        for (let k = 0; k < KEYS.length && k < n; k++) {
          const steps: number[] = [];
          for (let i = k; i < n; i += KEYS.length) steps.push(firstStep + Math.floor((written + i) / KEYS.length));
          const values = steps.map(valueOf);
          text += `${orgId}\t${runIds[w]}\t${KEYS[k]}\t${steps[0]}\t${steps.at(-1)}\t{${steps.join(',')}}\t{${values.join(',')}}\t{${steps.map(() => at).join(',')}}\n`;
        }
        written += n;
        yield text;
      }
    },
  );
  const total = perWriter * runIds.length;
  return { points: total, seconds, pointsPerSecond: total / seconds, calls: runIds.length };
}
