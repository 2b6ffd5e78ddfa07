import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { progress, rotated, type Benchmark, type BenchmarkOptions } from '../harness/benchmark.js';
import { ChildProcesses, logTail, readyMessage, waitUntil, type BenchChild } from '../harness/child-processes.js';
import { expectGraphQLData, postGraphQL, runLoad } from '../harness/load.js';
import { benchDirectory, builtEntry, platformEnv } from '../harness/paths.js';
import { freePort } from '../harness/ports.js';
import { cpuSeconds, waitForIdle } from '../harness/process-usage.js';
import { demoSubgraphs, nestedQuery, type SubgraphsMessage } from './subgraphs.js';
import { report, type Gateway, type Sample } from './report.js';

/** How to start each gateway against a supergraph file on a port. */
interface GatewayLauncher {
  name: string;
  start(supergraphFile: string, port: number, logFile: string): BenchChild;
}

/**
 * The AITIP router against the plain Apollo Gateway and Hive Gateway: the same four demo
 * subgraphs (one process), the same nested query, alternating rounds.
 */
export const federation: Benchmark = {
  name: 'federation',
  description: 'AITIP router vs @apollo/gateway vs Hive Gateway on the four-subgraph demo',
  async run(options: BenchmarkOptions) {
    const rounds = options.rounds ?? 3;
    const seconds = options.seconds ?? 15;
    const connections = options.connections?.[0] ?? 50;
    const loadBefore = loadavg()[0] ?? 0;
    const dir = benchDirectory('federation');
    const children = new ChildProcesses(dir);
    const secret = randomBytes(32).toString('base64url');
    const env = (extra: Record<string, string> = {}) => platformEnv({ NODE_ENV: 'production', ...extra });
    const aitipRouter = (name: string, shareQueries: boolean): GatewayLauncher => ({
      name,
      start: (supergraphFile, port, logFile) =>
        children.spawn({
          name,
          command: process.execPath,
          args: [builtEntry('router/dist/src/main.js'), '--supergraph', supergraphFile],
          env: env({
            HOST: '127.0.0.1',
            PORT: String(port),
            AITIP_INTERNAL_SECRET: secret,
            AITIP_DATA_DIR: join(dir, name.replace(/\W+/g, '-')),
            LOG_LEVEL: 'warn',
            LOG_REQUESTS: 'false',
            DEDUPLICATE_QUERIES: String(shareQueries),
            // the benchmark query nests four lists deep, far over the default cost estimate, and the
            // load comes from one address: raise both limits so they are checked but never refuse
            MAX_QUERY_COST: '100000000',
            RATE_LIMIT_ANONYMOUS: '1000000/1s',
          }),
          logFile,
        }),
    });
    const launchers: GatewayLauncher[] = [
      aitipRouter('AITIP router', true),
      // the same router with identical in-flight queries not shared, like the two references
      aitipRouter('AITIP router, no query sharing', false),
      {
        name: '@apollo/gateway',
        start: (supergraphFile, port, logFile) =>
          children.spawn({
            name: '@apollo/gateway',
            command: process.execPath,
            args: [join(__dirname, 'apollo-gateway-process.js'), supergraphFile, String(port)],
            env: env(),
            logFile,
          }),
      },
      {
        name: 'Hive Gateway',
        start: (supergraphFile, port, logFile) =>
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
            logFile,
          }),
      },
    ];

    try {
      progress('starting the four demo subgraphs (one process)');
      const subgraphs = children.spawn({
        name: 'demo subgraphs',
        command: process.execPath,
        args: [join(__dirname, 'subgraphs-process.js')],
        env: env(),
        logFile: join(dir, 'subgraphs.log'),
        ipc: true,
      });
      const ready = await readyMessage<SubgraphsMessage>(subgraphs, 60_000);
      if (ready.type !== 'ready') throw new Error('The demo subgraphs sent an unexpected first message.');
      const requestCounts = () => subgraphRequestCounts(subgraphs);

      const composed = composeServices(
        demoSubgraphs.map((s) => ({ name: s.name, url: ready.urls[s.name], typeDefs: s.typeDefs })),
      );
      if (composed.errors) throw new Error(`Composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
      const supergraphFile = join(dir, 'supergraph.graphql');
      writeFileSync(supergraphFile, composed.supergraphSdl);

      progress(`starting ${launchers.map((l) => l.name).join(', ')}`);
      const body = JSON.stringify({ query: nestedQuery, operationName: 'NestedAcrossFourSubgraphs' });
      const failedToStart: string[] = [];
      const gateways: Gateway[] = [];
      const started = await Promise.all(
        launchers.map(async (launcher) => {
          const port = await freePort();
          const child = launcher.start(supergraphFile, port, join(dir, `${launcher.name.replace(/\W+/g, '-')}.log`));
          const url = `http://127.0.0.1:${port}/graphql`;
          const probe = JSON.stringify({ query: '{ __typename }' });
          try {
            await waitUntil(child, async () => (await postGraphQL(url, probe)).status === 200, 60_000, 100);
            return { launcher, child, url };
          } catch (err) {
            failedToStart.push(`${launcher.name}: ${(err as Error).message}`);
            await children.stop(child);
            return undefined;
          }
        }),
      );
      let expectedData: string | undefined;
      for (const entry of started) {
        if (!entry) continue;
        const before = await requestCounts();
        const text = await expectGraphQLData(entry.launcher.name, entry.url, body);
        const after = await requestCounts();
        // every gateway must return the same data; their JSON may only differ outside `data`
        const data = JSON.stringify((JSON.parse(text) as { data: unknown }).data);
        if (expectedData !== undefined && data !== expectedData) {
          throw new Error(`${entry.launcher.name} returned other data than ${gateways[0]!.name} for the same query.`);
        }
        expectedData = data;
        gateways.push({
          name: entry.launcher.name,
          child: entry.child,
          url: entry.url,
          expectBody: text,
          subgraphRequestsAlone: total(after) - total(before),
        });
      }
      if (!gateways.some((g) => g.name === 'AITIP router'))
        throw new Error(`The AITIP router did not start:\n${failedToStart.join('\n')}`);

      progress(`warming up (5 s per gateway, ${connections} connections)`);
      for (const gateway of gateways) {
        await runLoad(target(gateway, body), { connections, seconds: 5, timeoutSeconds: 60 });
        await waitForIdle([gateway.child.pid, subgraphs.pid]);
      }

      const samples = new Map<string, Sample[]>(gateways.map((g) => [g.name, []]));
      for (let round = 0; round < rounds; round++) {
        for (const gateway of rotated(gateways, round)) {
          progress(`round ${round + 1}/${rounds}: ${gateway.name} for ${seconds} s`);
          const load = await runLoad(target(gateway, body), {
            connections,
            seconds,
            // a gateway that falls behind must not be cut off into wasted work: give every request a minute
            timeoutSeconds: 60,
            probe: async () => ({
              gateway: cpuSeconds(gateway.child.pid),
              subgraphs: cpuSeconds(subgraphs.pid),
              requests: total(await requestCounts()),
            }),
          });
          const { before, after, completed } = load.window;
          samples.get(gateway.name)!.push({
            load,
            gatewayCpuPerRequest: (after.gateway - before.gateway) / completed,
            subgraphCpuPerRequest: (after.subgraphs - before.subgraphs) / completed,
            subgraphRequestsPerQuery: (after.requests - before.requests) / completed,
          });
          await waitForIdle([gateway.child.pid, subgraphs.pid]);
        }
      }
      process.stdout.write(
        report({ gateways, samples, rounds, seconds, connections, failedToStart, loadBefore }) + '\n',
      );
    } finally {
      progress('stopping child processes');
      await children.stopAll();
    }
  },
};

function target(gateway: Gateway, body: string) {
  return { name: gateway.name, url: gateway.url, body, expectBody: gateway.expectBody };
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Asks the subgraphs process how many requests each subgraph has served so far. */
function subgraphRequestCounts(child: BenchChild): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.process.off('message', onMessage);
      reject(new Error(`The demo subgraphs did not report their request counts.\n${logTail(child)}`));
    }, 10_000);
    const onMessage = (message: SubgraphsMessage) => {
      if (message.type !== 'counts') return;
      clearTimeout(timer);
      child.process.off('message', onMessage);
      resolve(message.counts);
    };
    child.process.on('message', onMessage);
    child.process.send({ type: 'counts' });
  });
}
