import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { progress, type Benchmark, type BenchmarkOptions } from '../harness/benchmark.js';
import { ChildProcesses, logTail, readyMessage, waitUntil, type BenchChild } from '../harness/child-processes.js';
import { postGraphQL } from '../harness/load.js';
import { formatMiB, formatNumber, formatRatio, markdownTable } from '../harness/markdown.js';
import { benchDirectory, builtEntry, platformEnv } from '../harness/paths.js';
import { freePort } from '../harness/ports.js';
import { cpuSeconds, machineNote, residentMemory, waitForIdle } from '../harness/process-usage.js';
import { ticksSdl, type ClientCommand, type ClientMessage, type Measurement, type TicksMessage } from './protocol.js';

/** Limits high enough never to refuse: one client address opens every subscription. */
const UNREACHABLE_LIMIT = '1000000/1s';
const UNREACHABLE_COUNT = '1000000';
/** Subscriptions multiplexed over one graphql-ws connection. */
const PER_CONNECTION = 100;
/** Events each subscriber receives per second: 0.2/s × 5,000 subscribers = 1,000 delivered/s. */
const RATES = [0.2, 1];
/** How long after a window the client still accepts that window's events. */
const GRACE_SECONDS = 5;

interface Row {
  gateway: string;
  subscribers: number;
  rate: number;
  live: number;
  measurement?: Measurement;
  rss: number;
  /** CPU cores busy in the gateway, the subgraph and the client, over the window and its grace time. */
  cpu: [number, number, number];
  /** Subscriptions / WebSocket connections the subgraph had open. */
  upstream: string;
  note?: string;
}

/**
 * Subscription fan-out: N subscribers (graphql-ws, 100 per connection, from a separate client
 * process) on one `tick` subscription of a bench-only subgraph, through the AITIP router and
 * through Hive Gateway in turn; events published at fixed rates; publish-to-receive latency.
 */
export const subscriptions: Benchmark = {
  name: 'subscriptions',
  description: 'N concurrent graphql-ws subscriptions through the AITIP router vs Hive Gateway',
  async run(options: BenchmarkOptions) {
    const seconds = options.seconds ?? 10;
    const levels = options.connections ?? [100, 1000, 5000];
    const loadBefore = loadavg()[0] ?? 0;
    const dir = benchDirectory('subscriptions');
    const children = new ChildProcesses(dir);
    const env = (extra: Record<string, string> = {}) => platformEnv({ NODE_ENV: 'production', ...extra });
    try {
      progress('starting the ticks subgraph and the subscription client (own processes)');
      const ticks = children.spawn({
        name: 'ticks subgraph',
        command: process.execPath,
        args: [join(__dirname, 'tick-subgraph-process.js')],
        env: env(),
        logFile: join(dir, 'ticks.log'),
        ipc: true,
      });
      const ticksReady = await readyMessage<TicksMessage>(ticks, 30_000);
      if (ticksReady.type !== 'ready') throw new Error('The ticks subgraph sent an unexpected first message.');
      const client = children.spawn({
        name: 'subscription client',
        command: process.execPath,
        args: [join(__dirname, 'client-process.js')],
        env: env(),
        logFile: join(dir, 'client.log'),
        ipc: true,
      });
      await readyMessage<ClientMessage>(client, 30_000);

      const composed = composeServices([{ name: 'ticks', url: ticksReady.url, typeDefs: parse(ticksSdl) }]);
      if (composed.errors) throw new Error(`Composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
      const supergraphFile = join(dir, 'supergraph.graphql');
      writeFileSync(supergraphFile, composed.supergraphSdl);
      // Hive Gateway reads gateway.config.cjs from its working directory: graphql-ws towards the subgraph
      writeFileSync(
        join(dir, 'gateway.config.cjs'),
        `exports.gatewayConfig = { transportEntries: { '*.http': { options: { subscriptions: { kind: 'ws' } } } } };\n`,
      );

      const launchers: Array<{ name: string; start(port: number): BenchChild }> = [
        {
          name: 'AITIP router',
          start: (port) =>
            children.spawn({
              name: 'AITIP router',
              command: process.execPath,
              args: [builtEntry('router/dist/src/main.js'), '--supergraph', supergraphFile],
              env: env({
                HOST: '127.0.0.1',
                PORT: String(port),
                AITIP_INTERNAL_SECRET: randomBytes(32).toString('base64url'),
                AITIP_DATA_DIR: join(dir, 'router-data'),
                LOG_LEVEL: 'warn',
                LOG_REQUESTS: 'false',
                RATE_LIMIT_QUERY: UNREACHABLE_LIMIT,
                RATE_LIMIT_SUBSCRIPTION: UNREACHABLE_LIMIT,
                RATE_LIMIT_ANONYMOUS: UNREACHABLE_LIMIT,
                SUBSCRIPTION_MAX_PER_CONNECTION: String(PER_CONNECTION),
                SUBSCRIPTION_MAX_PER_PRINCIPAL: UNREACHABLE_COUNT,
                SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL: UNREACHABLE_COUNT,
              }),
              logFile: join(dir, 'router.log'),
            }),
        },
        {
          name: 'Hive Gateway',
          start: (port) =>
            children.spawn({
              name: 'Hive Gateway',
              command: process.execPath,
              args: [
                join(dirname(require.resolve('@graphql-hive/gateway')), 'bin.js'),
                'supergraph',
                supergraphFile,
                '--host',
                '127.0.0.1',
                '--port',
                String(port),
              ],
              env: env(),
              cwd: dir,
              logFile: join(dir, 'hive-gateway.log'),
            }),
        },
      ];

      const setRate = (perSecond: number) => ask<TicksMessage>(ticks, { type: 'rate', perSecond }, 'rate-set');
      const command = (message: ClientCommand, reply: ClientMessage['type'], timeoutMs = 120_000) =>
        ask<ClientMessage>(client, message, reply, timeoutMs);
      const rows: Row[] = [];
      for (const launcher of launchers) {
        const port = await freePort();
        progress(`starting ${launcher.name}`);
        const gateway = launcher.start(port);
        const url = `http://127.0.0.1:${port}/graphql`;
        const probe = JSON.stringify({ query: '{ tickRate }' });
        await waitUntil(gateway, async () => (await postGraphQL(url, probe)).status === 200, 60_000, 100);
        for (const subscribers of levels) {
          // 1 event/s while subscribing: a subscription counts as open once its first event arrived
          await setRate(1);
          progress(`${launcher.name}: opening ${subscribers} subscriptions`);
          const opened = (await command(
            { type: 'subscribe', url, subscribers, perConnection: PER_CONNECTION, timeoutMs: 60_000 },
            'subscribed',
          )) as Extract<ClientMessage, { type: 'subscribed' }>;
          const note =
            opened.live < subscribers
              ? `${subscribers - opened.live} never received an event${opened.firstError ? `: ${opened.firstError}` : ''}`
              : undefined;
          for (const rate of RATES) {
            await setRate(rate);
            // start half an interval after the (restarted) publisher's clock, so that the window holds
            // a whole number of publishes
            await sleep(500 / rate);
            progress(`${launcher.name}: ${subscribers} subscribers × ${rate} events/s for ${seconds} s`);
            const pids = [gateway.pid, ticks.pid, client.pid];
            const cpuBefore = pids.map(cpuSeconds);
            const wallBefore = performance.now();
            const measured = (await command(
              { type: 'measure', seconds, graceSeconds: GRACE_SECONDS },
              'measured',
              seconds * 1000 + 60_000,
            )) as Extract<ClientMessage, { type: 'measured' }>;
            const wall = (performance.now() - wallBefore) / 1000;
            const cpu = pids.map((pid, i) => (cpuSeconds(pid) - cpuBefore[i]!) / wall);
            const stats = await ask<Extract<TicksMessage, { type: 'stats' }>>(ticks, { type: 'stats' }, 'stats');
            rows.push({
              gateway: launcher.name,
              subscribers,
              rate,
              live: opened.live,
              measurement: measured.measurement,
              rss: residentMemory(gateway.pid).rss,
              cpu: cpu as [number, number, number],
              upstream: `${stats.open} / ${stats.connections}`,
              note,
            });
          }
          await setRate(0);
          await command({ type: 'unsubscribe' }, 'unsubscribed');
          await waitForIdle([gateway.pid, ticks.pid]);
        }
        const peak = residentMemory(gateway.pid).peak;
        for (const row of rows)
          if (row.gateway === launcher.name)
            row.note = [row.note, `peak RSS ${formatMiB(peak)}`].filter(Boolean).join('; ');
        await children.stop(gateway);
      }
      process.stdout.write(report(rows, seconds, loadBefore) + '\n');
    } finally {
      progress('stopping child processes');
      await children.stopAll();
    }
  },
};

function report(rows: Row[], seconds: number, loadBefore: number): string {
  const out: string[] = ['## subscriptions\n'];
  out.push(
    `One gateway process at a time in front of a bench-only \`ticks\` subgraph (own process, graphql-ws, one ` +
      `publisher; every subscriber receives every event). Clients: one separate process, graphql-ws, ` +
      `${PER_CONNECTION} subscriptions per WebSocket connection on \`/graphql\`, anonymous. Each step: open N ` +
      `subscriptions (each must receive an event), then ${seconds} s per publish rate; events count by their ` +
      `publish time (published in the window, received up to ${GRACE_SECONDS} s after it). Latency: event's publish ` +
      `time in the subgraph to its arrival in the client process (same machine clock). Hive Gateway: graphql-ws ` +
      `to clients (its default) and to the subgraph (\`transportEntries['*.http'].options.subscriptions.kind = 'ws'\`).\n`,
  );
  const ms = (v: number | undefined) => (v === undefined ? 'n/a' : `${formatNumber(v)} ms`);
  out.push(
    markdownTable(
      [
        'gateway',
        'subscribers',
        'events/s per subscriber',
        'delivered events/s',
        'p50',
        'p99',
        'max',
        'lost',
        'gateway RSS',
        'CPU gateway / subgraph / client',
        'subgraph subs / WS conns',
        'notes',
      ],
      rows.map((r) => {
        const m = r.measurement;
        return [
          r.gateway,
          `${r.subscribers}${r.live < r.subscribers ? ` (${r.live} live)` : ''}`,
          String(r.rate),
          m ? formatNumber(m.delivered / m.seconds) : 'n/a',
          ms(m?.p50),
          ms(m?.p99),
          ms(m?.max),
          m ? `${m.lost}${m.errors ? `, ${m.errors} errors` : ''}` : 'n/a',
          formatMiB(r.rss),
          r.cpu.map((c) => `${Math.round(c * 100)} %`).join(' / '),
          r.upstream,
          r.note ?? '',
        ];
      }),
    ) + '\n',
  );
  const ours = rows.filter((r) => r.gateway === 'AITIP router');
  const comparisons = ours.map((r) => {
    const hive = rows.find((h) => h.gateway === 'Hive Gateway' && h.subscribers === r.subscribers && h.rate === r.rate);
    const rate = (x: Row | undefined) => (x?.measurement ? x.measurement.delivered / x.measurement.seconds : NaN);
    return [
      String(r.subscribers),
      String(r.rate),
      formatRatio(rate(r) / rate(hive)),
      `${ms(r.measurement?.p99)} vs ${ms(hive?.measurement?.p99)}`,
    ];
  });
  out.push(
    markdownTable(['subscribers', 'events/s per subscriber', 'delivered ÷ Hive', 'p99 router vs Hive'], comparisons) +
      '\n',
  );
  out.push(
    `Machine: ${machineNote(loadBefore)}; the subgraph, the gateway and the client share these CPUs. Target: ` +
      `5,000 subscriptions with p99 ≤ 100 ms at 1,000 delivered events/s, and ≥ 1.0× Hive Gateway's delivered ` +
      `events/s at equal or lower p99.`,
  );
  return out.join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends an IPC message to a child and waits for its reply of type `reply`. */
function ask<T extends { type: string }>(
  child: BenchChild,
  message: object,
  reply: string,
  timeoutMs = 30_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${child.name} did not answer "${reply}" in ${timeoutMs / 1000} s.\n${logTail(child)}`));
    }, timeoutMs);
    const onMessage = (answer: T) => {
      if (answer.type !== reply) return;
      cleanup();
      resolve(answer);
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`${child.name} exited.\n${logTail(child)}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.process.off('message', onMessage);
      child.process.off('exit', onExit);
    };
    child.process.on('message', onMessage);
    child.process.on('exit', onExit);
    child.process.send(message);
  });
}
