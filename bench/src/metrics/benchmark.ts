import { loadavg } from 'node:os';
import pg from 'pg';
import { progress, type Benchmark, type BenchmarkOptions } from '../harness/benchmark.js';
import { ChildProcesses } from '../harness/child-processes.js';
import { benchDirectory, builtEntry } from '../harness/paths.js';
import { machineNote, residentMemory } from '../harness/process-usage.js';
import { median } from '../harness/statistics.js';
import { startBenchPlatform } from '../datasets/platform.js';
import { copyChunks, copyPoints, CREATE_POINT_TABLE, logBatches, mlflow, type IngestRound } from './ingest.js';
import { historyRound, type HistoryRound } from './history.js';
import { metricsReport } from './report.js';

/** The PostgreSQL server the platform and the raw COPY both write to (the test services' one). */
const ADMIN_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Metric points per log-batch call: MLflow's own limit. */
const BATCH_POINTS = 1000;
/** History: runs × points per run, fetched downsampled to HISTORY_POINTS each. */
const HISTORY_RUNS = 100;
const HISTORY_RUN_POINTS = 10_000;
const HISTORY_POINTS = 1000;

/**
 * `npm run bench -- metrics`: metric ingestion through the MLflow REST API (`runs/log-batch`,
 * 1,000 points per call, several concurrent writers) against a raw COPY of as many points, one row
 * each, into a row-per-point table, and of the same points as chunks into the platform's table; and
 * downsampled history for 100 runs × 10,000 points against the raw SQL query of the same points; all
 * against one PostgreSQL database in the same run.
 */
export const metrics: Benchmark = {
  name: 'metrics',
  description: 'metric ingestion via MLflow log-batch vs raw COPY; downsampled history vs raw SQL (PostgreSQL)',
  async run(options: BenchmarkOptions) {
    const rounds = options.rounds ?? 3;
    const seconds = options.seconds ?? 15;
    const writers = options.connections?.[0] ?? 8;
    const loadBefore = loadavg()[0] ?? 0;
    builtEntry('router/dist/src/all-in-one.js');
    const database = `aitip_bench_metrics_${Date.now()}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const databaseUrl = new URL(ADMIN_URL);
    databaseUrl.pathname = `/${database}`;
    const dir = benchDirectory('metrics');
    const children = new ChildProcesses(dir);
    const db = new pg.Pool({ connectionString: databaseUrl.toString(), max: writers + 2 });
    try {
      progress(`starting the platform on PostgreSQL database ${database}`);
      const platform = await startBenchPlatform(children, dir, 'platform', undefined, {
        scopes: ['experiments:read', 'experiments:write'],
        databaseUrl: databaseUrl.toString(),
        // one API key stands for every writer here; a real fleet has a token per training job
        env: { RATE_LIMIT_TRACKING: 'off', RATE_LIMIT_ORG_TRACKING: 'off' },
      });
      const api = mlflow(platform.url, platform.apiKey);
      const experimentId = await api.createExperiment('metrics-bench');
      const runIds: string[] = [];
      for (let w = 0; w < writers; w++) runIds.push(await api.createRun(experimentId, `writer-${w}`));
      const { rows } = await db.query<{ org_id: string }>('SELECT org_id FROM experiments.runs WHERE id = $1', [
        runIds[0],
      ]);
      const orgId = rows[0]!.org_id;
      await db.query(CREATE_POINT_TABLE);

      progress(`warming up (${writers} writers, 2 s)`);
      await logBatches(api, runIds, BATCH_POINTS, 2, 0);
      const ingest: IngestRound[] = [];
      for (let round = 0; round < rounds; round++) {
        progress(`ingestion round ${round + 1}/${rounds}: log-batch for ${seconds} s`);
        const platformRun = await logBatches(api, runIds, BATCH_POINTS, seconds, (round + 1) * 1_000_000_000);
        progress(`ingestion round ${round + 1}/${rounds}: raw COPY of ${platformRun.points} rows`);
        const raw = await copyPoints(db, orgId, runIds, platformRun.points, BATCH_POINTS, (round + 1) * 1_000_000_000);
        progress(`ingestion round ${round + 1}/${rounds}: raw COPY of the same points as chunks`);
        const rawChunks = await copyChunks(
          db,
          orgId,
          runIds,
          platformRun.points,
          BATCH_POINTS,
          (round + 1) * 1_000_000_000 + 500_000_000,
        );
        ingest.push({ platform: platformRun, raw, rawChunks });
      }

      progress(`history: logging ${HISTORY_RUNS} runs × ${HISTORY_RUN_POINTS} points`);
      const historyRuns: string[] = [];
      for (let r = 0; r < HISTORY_RUNS; r++) historyRuns.push(await api.createRun(experimentId, `history-${r}`));
      await api.fillHistory(historyRuns, 'loss', HISTORY_RUN_POINTS, BATCH_POINTS, writers);
      const history: HistoryRound[] = [];
      const repetitions = Math.max(5, rounds * 3);
      await historyRound(platform, db, historyRuns, 'loss', HISTORY_POINTS, 0); // warm-up
      for (let rep = 0; rep < repetitions; rep++) {
        progress(`history: repetition ${rep + 1}/${repetitions}`);
        history.push(await historyRound(platform, db, historyRuns, 'loss', HISTORY_POINTS, rep));
      }
      const platformPeak = residentMemory(platform.child.pid).peak;

      process.stdout.write(
        metricsReport({
          writers,
          seconds,
          batchPoints: BATCH_POINTS,
          ingest,
          history,
          historyRuns: HISTORY_RUNS,
          historyRunPoints: HISTORY_RUN_POINTS,
          historyPoints: HISTORY_POINTS,
          platformPeak,
          machine: machineNote(loadBefore),
        }),
      );
      const rate = median(ingest.map((r) => r.platform.pointsPerSecond));
      const ratio = median(ingest.map((r) => r.platform.pointsPerSecond / r.raw.pointsPerSecond));
      progress(`ingestion: ${Math.round(rate)} points/s, ${ratio.toFixed(2)}× raw COPY (medians)`);
    } finally {
      progress('stopping child processes');
      await children.stopAll();
      await db.end();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    }
  },
};
