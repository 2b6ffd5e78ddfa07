import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { progress, rotated, type Benchmark, type BenchmarkOptions } from '../harness/benchmark.js';
import { ChildProcesses } from '../harness/child-processes.js';
import { benchDirectory, builtEntry } from '../harness/paths.js';
import { machineNote } from '../harness/process-usage.js';
import { startBenchPlatform } from '../datasets/platform.js';
import type { LogPathResult } from './lines.js';
import { bareDockerRun, pipeToFile, redisStreamScript } from './references.js';
import { platformLogs, submitToRunning } from './platform-paths.js';
import { trainingReport, type LogPath } from './report.js';

const ADMIN_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const AMQP_URL = process.env['BENCH_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
/** Lines the printer job prints per round. */
const LOG_LINES = 1_000_000;
/** Start-latency samples per path. */
const STARTS = 20;
const IMAGE = 'aitip/base:1';

/**
 * `npm run bench -- training`: (1) log throughput — a job printing 100-byte lines as fast as it can,
 * delivered through the router to a graphql-ws subscriber, beside the same program piped to a file
 * and into a Redis Stream by a minimal script; (2) submit → RUNNING on the local and Docker backends
 * beside a bare `docker run` of the same image. Real PostgreSQL, Redis and RabbitMQ.
 */
export const training: Benchmark = {
  name: 'training',
  description: 'job log throughput and latency vs a pipe and a minimal Redis Stream script; job start latency',
  async run(options: BenchmarkOptions) {
    const rounds = options.rounds ?? 3;
    const loadBefore = loadavg()[0] ?? 0;
    builtEntry('router/dist/src/all-in-one.js');
    const database = `aitip_bench_training_${Date.now()}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const databaseUrl = new URL(ADMIN_URL);
    databaseUrl.pathname = `/${database}`;
    const dir = benchDirectory('training');
    const children = new ChildProcesses(dir);
    try {
      progress(`starting the platform on PostgreSQL ${database}, Redis and RabbitMQ`);
      const platform = await startBenchPlatform(children, dir, 'platform', undefined, {
        scopes: ['training:read', 'training:write', 'experiments:read', 'experiments:write'],
        databaseUrl: databaseUrl.toString(),
        env: { REDIS_URL, AMQP_URL, RATE_LIMIT_TRACKING: 'off', RATE_LIMIT_ORG_TRACKING: 'off' },
      });
      const logs: Array<Record<LogPath, LogPathResult>> = [];
      const paths: LogPath[] = ['platform', 'redis', 'pipe'];
      for (let round = 0; round < rounds; round++) {
        const results = {} as Record<LogPath, LogPathResult>;
        for (const path of rotated(paths, round)) {
          progress(`logs round ${round + 1}/${rounds}: ${path}, ${LOG_LINES} lines`);
          if (path === 'pipe') results.pipe = await pipeToFile(LOG_LINES, join(dir, 'printer.out'));
          else if (path === 'redis')
            results.redis = await redisStreamScript(LOG_LINES, REDIS_URL, `bench:training:${round}`);
          else results.platform = await platformLogs(platform, LOG_LINES, `log-bench-${round}`);
        }
        logs.push(results);
      }
      const starts = { local: [] as number[], docker: [] as number[], bare: [] as number[] };
      for (let i = 0; i < STARTS; i++) {
        progress(`start latency ${i + 1}/${STARTS}`);
        starts.local.push(
          await submitToRunning(platform, { name: `start-local-${i}`, backend: 'local', command: ['true'] }),
        );
        starts.docker.push(
          await submitToRunning(platform, {
            name: `start-docker-${i}`,
            backend: 'docker',
            image: IMAGE,
            command: ['true'],
          }),
        );
        starts.bare.push(await bareDockerRun(IMAGE));
      }
      process.stdout.write(
        trainingReport({ lines: LOG_LINES, logs, starts, image: IMAGE, machine: machineNote(loadBefore) }),
      );
    } finally {
      progress('stopping child processes');
      await children.stopAll();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    }
  },
};
