import { loadavg } from 'node:os';
import { join } from 'node:path';
import { progress, type Benchmark, type BenchmarkOptions } from '../harness/benchmark.js';
import { ChildProcesses, waitUntil } from '../harness/child-processes.js';
import { formatMiB, formatNumber, markdownTable } from '../harness/markdown.js';
import { benchDirectory, builtEntry, platformEnv } from '../harness/paths.js';
import { freePort } from '../harness/ports.js';
import { machineNote, residentMemory } from '../harness/process-usage.js';
import { median } from '../harness/statistics.js';

interface StartSample {
  readySeconds: number;
  rss: number;
  peak: number;
  stopSeconds: number;
  exitCode: number | string;
}

/**
 * `npm start` from spawn to `/readyz` = 200: a first start on a fresh data directory (migrations
 * of all 11 subgraphs) and a second start on the same one, with the process's memory once ready.
 */
export const startup: Benchmark = {
  name: 'startup',
  description: 'all-in-one time to ready (first and second start) and resident memory',
  async run(options: BenchmarkOptions) {
    const rounds = options.rounds ?? 3;
    const loadBefore = loadavg()[0] ?? 0;
    const entry = builtEntry('router/dist/src/all-in-one.js');
    const dir = benchDirectory('startup');
    const children = new ChildProcesses(dir);
    const first: StartSample[] = [];
    const second: StartSample[] = [];

    const startOnce = async (dataDir: string, label: string): Promise<StartSample> => {
      const port = await freePort();
      const spawned = performance.now();
      const child = children.spawn({
        name: `all-in-one (${label})`,
        command: process.execPath,
        args: [entry],
        env: platformEnv({ PORT: String(port), AITIP_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }),
        logFile: join(dir, `${label.replace(/\W+/g, '-')}.log`),
      });
      const readyz = `http://127.0.0.1:${port}/readyz`;
      await waitUntil(child, async () => (await fetch(readyz)).status === 200, 120_000, 50);
      const readySeconds = (performance.now() - spawned) / 1000;
      const { rss, peak } = residentMemory(child.pid);
      const stopping = performance.now();
      const exitCode = await children.stop(child, 30_000);
      return { readySeconds, rss, peak, stopSeconds: (performance.now() - stopping) / 1000, exitCode };
    };

    try {
      for (let round = 0; round < rounds; round++) {
        const dataDir = join(dir, `data-${round + 1}`);
        progress(`round ${round + 1}/${rounds}: first start on a new data directory`);
        first.push(await startOnce(dataDir, `round ${round + 1} first`));
        progress(`round ${round + 1}/${rounds}: second start on the same data directory`);
        second.push(await startOnce(dataDir, `round ${round + 1} second`));
      }
      const row = (label: string, samples: StartSample[]) => [
        label,
        `${formatNumber(median(samples.map((s) => s.readySeconds)))} s`,
        samples.map((s) => formatNumber(s.readySeconds)).join(' / '),
        formatMiB(median(samples.map((s) => s.rss))),
        formatMiB(median(samples.map((s) => s.peak))),
        `${formatNumber(median(samples.map((s) => s.stopSeconds)))} s`,
        samples.map((s) => String(s.exitCode)).join(' / '),
      ];
      const out = [
        '## startup',
        '',
        `\`node router/dist/src/all-in-one.js\` with LOG_LEVEL=warn, embedded PGlite, ${rounds} rounds; ` +
          'time from spawn to the first `GET /readyz` = 200 (polled every 50 ms); memory of the process right then; ' +
          'then SIGINT and wait for the exit.',
        '',
        markdownTable(
          [
            'start',
            'ready (median)',
            'ready (each round, s)',
            'VmRSS when ready',
            'VmHWM when ready',
            'stop after SIGINT',
            'exit codes',
          ],
          [row('first (new data dir)', first), row('second (same data dir)', second)],
        ),
        '',
        `Machine: ${machineNote(loadBefore)}. Targets: ready ≤ 15 s, RSS ≤ 1.5 GiB.`,
      ];
      process.stdout.write(out.join('\n') + '\n');
    } finally {
      progress('stopping child processes');
      await children.stopAll();
    }
  },
};
