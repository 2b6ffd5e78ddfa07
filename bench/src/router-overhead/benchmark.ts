import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { IDENTITY_HEADER, printSubgraphSdl, scopesForRole, signIdentity } from '@aitip/kit';
import { platformSubgraphs } from '@aitip/router';
import { progress, rotated, type Benchmark, type BenchmarkOptions } from '../harness/benchmark.js';
import { ChildProcesses, readyMessage, waitUntil, type BenchChild } from '../harness/child-processes.js';
import { describeFailures, expectGraphQLData, runLoad, type LoadResult, type LoadTarget } from '../harness/load.js';
import { formatNumber, formatRatio, markdownTable } from '../harness/markdown.js';
import { benchDirectory, builtEntry, platformEnv } from '../harness/paths.js';
import { freePort } from '../harness/ports.js';
import { cpuSeconds, machineNote, waitForIdle } from '../harness/process-usage.js';
import { median } from '../harness/statistics.js';
import { createBenchCredentials } from '../auth/platform-setup.js';
import type { UsersSubgraphReady } from './users-subgraph.js';

/** A way to reach the subgraph: directly, or through one of the routers. */
interface Path {
  target: LoadTarget;
  /** The router process in front of the subgraph, if any. */
  router?: BenchChild;
}

interface Sample {
  load: LoadResult;
  routerCpuPerRequest: number;
  subgraphCpuPerRequest: number;
}

/**
 * What the router adds to one subgraph call: the users subgraph (real, on PGlite) loaded directly
 * with a signed identity, and through the AITIP router with and without request logging.
 */
export const routerOverhead: Benchmark = {
  name: 'router-overhead',
  description: 'latency and throughput the router adds in front of one real subgraph',
  async run(options: BenchmarkOptions) {
    const rounds = options.rounds ?? 3;
    const seconds = options.seconds ?? 8;
    const levels = options.connections ?? [1, 10];
    const loadBefore = loadavg()[0] ?? 0;
    const dir = benchDirectory('router-overhead');
    const children = new ChildProcesses(dir);
    const secret = randomBytes(32).toString('base64url');
    const tokenSecret = randomBytes(32).toString('base64url');
    const dataDir = join(dir, 'data');
    try {
      progress('starting the users subgraph on embedded PGlite');
      const subgraph = children.spawn({
        name: 'users subgraph',
        command: process.execPath,
        args: [join(__dirname, 'users-subgraph.js')],
        env: platformEnv({
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: String(await freePort()),
          AITIP_DATA_DIR: dataDir,
          AITIP_INTERNAL_SECRET: secret,
          AUTH_TOKEN_SECRET: tokenSecret,
          LOG_LEVEL: 'warn',
        }),
        logFile: join(dir, 'users-subgraph.log'),
        ipc: true,
      });
      const ready = await readyMessage<UsersSubgraphReady>(subgraph, 120_000);

      const users = platformSubgraphs.find((s) => s.name === 'users');
      if (!users) throw new Error('platformSubgraphs has no users subgraph.');
      const composed = composeServices([
        { name: 'users', url: ready.url, typeDefs: parse(await printSubgraphSdl(users)) },
      ]);
      if (composed.errors) throw new Error(`Composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
      const supergraphFile = join(dir, 'supergraph.graphql');
      writeFileSync(supergraphFile, composed.supergraphSdl);

      const startRouter = async (
        name: string,
        logRequests: boolean,
        deduplicate = false,
      ): Promise<{ child: BenchChild; url: string }> => {
        const port = await freePort();
        const router = children.spawn({
          name,
          command: process.execPath,
          args: [builtEntry('router/dist/src/main.js'), '--supergraph', supergraphFile],
          env: platformEnv({
            NODE_ENV: 'production',
            HOST: '127.0.0.1',
            PORT: String(port),
            AITIP_INTERNAL_SECRET: secret,
            AUTH_TOKEN_SECRET: tokenSecret,
            AITIP_DATA_DIR: join(dir, name.replace(/\W+/g, '-')),
            LOG_LEVEL: logRequests ? 'info' : 'warn',
            LOG_REQUESTS: String(logRequests),
            DEDUPLICATE_QUERIES: String(deduplicate),
            // checked on every request, never reached by the load of one user
            RATE_LIMIT_QUERY: '1000000/1s',
            RATE_LIMIT_ORG_QUERY: '1000000/1s',
          }),
          logFile: join(dir, `${name.replace(/\W+/g, '-')}.log`),
        });
        const readyz = `http://127.0.0.1:${port}/readyz`;
        await waitUntil(router, async () => (await fetch(readyz)).status === 200, 60_000);
        return { child: router, url: `http://127.0.0.1:${port}/graphql` };
      };
      progress('starting the router three times: plain, with request logs, with shared identical queries');
      const [quietRouter, loggingRouter, sharingRouter] = await Promise.all([
        startRouter('router (logging off)', false),
        startRouter('router (request logs)', true),
        startRouter('router (sharing)', false, true),
      ]);

      progress('signing up and creating the organization the query reads, through the router');
      const credentials = await createBenchCredentials(quietRouter.url, dataDir);
      const body = JSON.stringify({ query: `{ organization(id: "${credentials.orgId}") { id name } }` });
      // the identity the router forwards for this caller, signed here for the direct path
      const identity = signIdentity(
        {
          kind: 'user',
          userId: credentials.userId,
          orgId: credentials.orgId,
          roles: ['owner'],
          scopes: [...scopesForRole('owner')],
        },
        secret,
        24 * 3600,
      );
      const auth = { authorization: `Bearer ${credentials.accessToken}`, 'x-aitip-org': credentials.orgId };
      const paths: Path[] = [
        { target: { name: 'direct to subgraph', url: ready.url, body, headers: { [IDENTITY_HEADER]: identity } } },
        {
          target: { name: 'through router, logging off', url: quietRouter.url, body, headers: auth },
          router: quietRouter.child,
        },
        {
          target: { name: 'through router, request logs on', url: loggingRouter.url, body, headers: auth },
          router: loggingRouter.child,
        },
        {
          target: { name: 'through router, identical queries shared', url: sharingRouter.url, body, headers: auth },
          router: sharingRouter.child,
        },
      ];
      for (const path of paths) {
        path.target.expectBody = await expectGraphQLData(path.target.name, path.target.url, body, path.target.headers);
      }

      progress('warming up (3 s per path)');
      for (const path of paths) await runLoad(path.target, { connections: Math.max(...levels), seconds: 3 });

      const samples = new Map<string, Sample[]>();
      for (let round = 0; round < rounds; round++) {
        for (const connections of levels) {
          for (const path of rotated(paths, round)) {
            progress(
              `round ${round + 1}/${rounds}, ${connections} connection(s): ${path.target.name} for ${seconds} s`,
            );
            const load = await runLoad(path.target, {
              connections,
              seconds,
              probe: () => ({
                subgraph: cpuSeconds(subgraph.pid),
                router: path.router ? cpuSeconds(path.router.pid) : NaN,
              }),
            });
            const { before, after, completed } = load.window;
            await waitForIdle(path.router ? [path.router.pid, subgraph.pid] : [subgraph.pid]);
            const key = `${connections}|${path.target.name}`;
            samples.set(key, [
              ...(samples.get(key) ?? []),
              {
                load,
                routerCpuPerRequest: (after.router - before.router) / completed,
                subgraphCpuPerRequest: (after.subgraph - before.subgraph) / completed,
              },
            ]);
          }
        }
      }

      const out: string[] = [];
      out.push(`## router-overhead\n`);
      out.push(
        `Query \`{ organization(id: "<existing id>") { id name } }\` (one row read from PGlite per request), ` +
          'through the routers with an access token and `x-aitip-org` (cache-hit path); ' +
          `${rounds} alternating rounds × ${seconds} s per path; medians over rounds. ` +
          `"added" = router minus direct in the same round (median of the per-round differences).\n`,
      );
      for (const connections of levels) {
        const direct = samples.get(`${connections}|${paths[0]!.target.name}`)!;
        const rows = paths.map((path) => {
          const runs = samples.get(`${connections}|${path.target.name}`)!;
          const perRound = (f: (s: Sample, d: Sample) => number) => median(runs.map((s, i) => f(s, direct[i]!)));
          const isDirect = path === paths[0];
          const ms = (v: number) => `${formatNumber(v)} ms`;
          const us = (v: number) => (Number.isFinite(v) ? `${formatNumber(v * 1e6)} µs` : '—');
          return [
            path.target.name,
            formatNumber(median(runs.map((s) => s.load.rps))),
            ms(median(runs.map((s) => s.load.p50))),
            ms(median(runs.map((s) => s.load.p99))),
            isDirect ? '—' : ms(perRound((s, d) => s.load.p50 - d.load.p50)),
            isDirect ? '—' : runs.map((s, i) => formatNumber(s.load.p50 - direct[i]!.load.p50)).join(' / '),
            isDirect ? '—' : ms(perRound((s, d) => s.load.p99 - d.load.p99)),
            isDirect ? '1.00×' : formatRatio(perRound((s, d) => s.load.rps / d.load.rps)),
            us(median(runs.map((s) => s.routerCpuPerRequest))),
            us(median(runs.map((s) => s.subgraphCpuPerRequest))),
            describeFailures(runs.map((s) => s.load)),
          ];
        });
        out.push(`### ${connections} connection${connections === 1 ? '' : 's'}\n`);
        out.push(
          markdownTable(
            [
              'path',
              'RPS',
              'p50',
              'p99',
              'added p50',
              'added p50 per round (ms)',
              'added p99',
              'RPS ÷ direct',
              'router CPU / req',
              'subgraph CPU / req',
              'failed',
            ],
            rows,
          ) + '\n',
        );
      }
      out.push(`Machine: ${machineNote(loadBefore)}. Target: added p50 ≤ 1 ms.`);
      process.stdout.write(out.join('\n') + '\n');
    } finally {
      progress('stopping child processes');
      await children.stopAll();
    }
  },
};
