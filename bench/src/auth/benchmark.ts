import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { printSubgraphSdl } from '@aitip/kit';
import { platformSubgraphs } from '@aitip/router';
import { progress, rotated, type Benchmark, type BenchmarkOptions } from '../harness/benchmark.js';
import { ChildProcesses, waitUntil } from '../harness/child-processes.js';
import { describeFailures, expectGraphQLData, runLoad, type LoadResult, type LoadTarget } from '../harness/load.js';
import { formatNumber, formatRatio, markdownTable } from '../harness/markdown.js';
import { benchDirectory, builtEntry, platformEnv } from '../harness/paths.js';
import { freePort } from '../harness/ports.js';
import { cpuSeconds, machineNote, waitForIdle } from '../harness/process-usage.js';
import { median } from '../harness/statistics.js';
import { createBenchCredentials } from './platform-setup.js';

interface Sample {
  load: LoadResult;
  routerCpuPerRequest: number;
}

/** Rate limits high enough never to refuse, so the limiter's work is measured but never its refusals. */
const UNREACHABLE_LIMIT = '1000000/1s';

/**
 * What authentication adds in the router: the same query anonymous, with an access token (acting
 * in an organization, so the membership cache is on the path too) and with an API key, each on
 * the cache-hit path. Two queries: `{ __typename }`, which the router answers itself (only the
 * router's work differs), and `{ viewer { kind } }`, which reaches the users subgraph (which looks
 * up the user, key and organization for signed-in callers, so it does more work for them).
 */
export const auth: Benchmark = {
  name: 'auth',
  description: 'latency and throughput of anonymous vs access-token vs API-key requests through the router',
  async run(options: BenchmarkOptions) {
    const rounds = options.rounds ?? 3;
    const seconds = options.seconds ?? 5;
    const levels = options.connections ?? [1, 10];
    const loadBefore = loadavg()[0] ?? 0;
    const dir = benchDirectory('auth');
    const children = new ChildProcesses(dir);
    const internalSecret = randomBytes(32).toString('base64url');
    const tokenSecret = randomBytes(32).toString('base64url');
    const shared = { NODE_ENV: 'production', AITIP_INTERNAL_SECRET: internalSecret, AUTH_TOKEN_SECRET: tokenSecret };
    try {
      progress('starting the users subgraph on embedded PGlite');
      const usersPort = await freePort();
      const usersDataDir = join(dir, 'users-data');
      const users = children.spawn({
        name: 'users subgraph',
        command: process.execPath,
        args: [builtEntry('subgraphs/users/dist/src/main.js')],
        env: platformEnv({
          ...shared,
          HOST: '127.0.0.1',
          PORT: String(usersPort),
          AITIP_DATA_DIR: usersDataDir,
          AUTH_ACCESS_TOKEN_TTL: '3600',
          LOG_LEVEL: 'warn',
        }),
        logFile: join(dir, 'users-subgraph.log'),
      });
      await waitUntil(users, async () => (await fetch(`http://127.0.0.1:${usersPort}/readyz`)).status === 200, 120_000);

      const definition = platformSubgraphs.find((s) => s.name === 'users');
      if (!definition) throw new Error('platformSubgraphs has no users subgraph.');
      const composed = composeServices([
        {
          name: 'users',
          url: `http://127.0.0.1:${usersPort}/graphql`,
          typeDefs: parse(await printSubgraphSdl(definition)),
        },
      ]);
      if (composed.errors) throw new Error(`Composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
      const supergraphFile = join(dir, 'supergraph.graphql');
      writeFileSync(supergraphFile, composed.supergraphSdl);

      progress('starting the router (request logs off, query sharing off, rate limits on but unreachable)');
      const routerPort = await freePort();
      const router = children.spawn({
        name: 'router',
        command: process.execPath,
        args: [builtEntry('router/dist/src/main.js'), '--supergraph', supergraphFile],
        env: platformEnv({
          ...shared,
          HOST: '127.0.0.1',
          PORT: String(routerPort),
          AITIP_DATA_DIR: join(dir, 'router-data'),
          LOG_LEVEL: 'warn',
          LOG_REQUESTS: 'false',
          DEDUPLICATE_QUERIES: 'false',
          RATE_LIMIT_QUERY: UNREACHABLE_LIMIT,
          RATE_LIMIT_ORG_QUERY: UNREACHABLE_LIMIT,
          RATE_LIMIT_ANONYMOUS: UNREACHABLE_LIMIT,
          RATE_LIMIT_MUTATION: UNREACHABLE_LIMIT,
          RATE_LIMIT_AUTH: UNREACHABLE_LIMIT,
        }),
        logFile: join(dir, 'router.log'),
      });
      await waitUntil(
        router,
        async () => (await fetch(`http://127.0.0.1:${routerPort}/readyz`)).status === 200,
        60_000,
      );
      const url = `http://127.0.0.1:${routerPort}/graphql`;

      progress('signing up, creating an organization and an API key through the router');
      const credentials = await createBenchCredentials(url, usersDataDir);
      const callers: Array<{ name: string; headers: Record<string, string> }> = [
        { name: 'anonymous', headers: {} },
        {
          name: 'access token + x-aitip-org',
          headers: { authorization: `Bearer ${credentials.accessToken}`, 'x-aitip-org': credentials.orgSlug },
        },
        { name: 'API key', headers: { authorization: `Bearer ${credentials.apiKey}` } },
      ];
      const queries = [
        { label: '`{ __typename }` (answered by the router)', query: '{ __typename }' },
        { label: '`{ viewer { kind } }` (through the users subgraph)', query: '{ viewer { kind } }' },
      ];
      const targets: Array<LoadTarget & { query: string; caller: string }> = [];
      for (const { query } of queries) {
        for (const caller of callers) {
          const body = JSON.stringify({ query });
          targets.push({
            name: `${caller.name}: ${query}`,
            url,
            body,
            headers: caller.headers,
            query,
            caller: caller.name,
          });
        }
      }
      for (const target of targets) {
        target.expectBody = await expectGraphQLData(target.name, target.url, target.body, target.headers);
      }

      progress('warming up (2 s per target)');
      for (const target of targets) await runLoad(target, { connections: Math.max(...levels), seconds: 2 });

      const samples = new Map<string, Sample[]>();
      for (let round = 0; round < rounds; round++) {
        for (const connections of levels) {
          for (const target of rotated(targets, round)) {
            progress(`round ${round + 1}/${rounds}, ${connections} connection(s): ${target.name} for ${seconds} s`);
            const load = await runLoad(target, { connections, seconds, probe: () => cpuSeconds(router.pid) });
            await waitForIdle([router.pid, users.pid]);
            const key = `${connections}|${target.name}`;
            samples.set(key, [
              ...(samples.get(key) ?? []),
              { load, routerCpuPerRequest: (load.window.after - load.window.before) / load.window.completed },
            ]);
          }
        }
      }

      const out: string[] = [];
      out.push('## auth\n');
      out.push(
        `One router process (\`router/dist/src/main.js\`, LOG_REQUESTS=false, DEDUPLICATE_QUERIES=false, every rate ` +
          `limit on at ${UNREACHABLE_LIMIT}, in-process limiter) in front of the users subgraph (own process, PGlite). ` +
          `${rounds} alternating rounds × ${seconds} s per target; medians over rounds. "added" = this caller minus ` +
          `anonymous with the same query in the same round (median of the per-round differences).\n`,
      );
      for (const connections of levels) {
        out.push(`### ${connections} connection${connections === 1 ? '' : 's'}\n`);
        for (const { label, query } of queries) {
          const anonymous = samples.get(`${connections}|anonymous: ${query}`)!;
          const rows = callers.map((caller) => {
            const runs = samples.get(`${connections}|${caller.name}: ${query}`)!;
            const perRound = (f: (s: Sample, a: Sample) => number) => median(runs.map((s, i) => f(s, anonymous[i]!)));
            const isBase = caller.name === 'anonymous';
            const ms = (v: number) => `${formatNumber(v)} ms`;
            return [
              caller.name,
              formatNumber(median(runs.map((s) => s.load.rps))),
              ms(median(runs.map((s) => s.load.p50))),
              ms(median(runs.map((s) => s.load.p99))),
              isBase ? '—' : ms(perRound((s, a) => s.load.p50 - a.load.p50)),
              isBase ? '—' : runs.map((s, i) => formatNumber(s.load.p50 - anonymous[i]!.load.p50)).join(' / '),
              isBase ? '1.00×' : formatRatio(perRound((s, a) => s.load.rps / a.load.rps)),
              `${formatNumber(median(runs.map((s) => s.routerCpuPerRequest)) * 1e6)} µs`,
              describeFailures(runs.map((s) => s.load)),
            ];
          });
          out.push(`${label}\n`);
          out.push(
            markdownTable(
              [
                'caller',
                'RPS',
                'p50',
                'p99',
                'added p50',
                'added p50 per round (ms)',
                'RPS ÷ anonymous',
                'router CPU / req',
                'failed',
              ],
              rows,
            ) + '\n',
          );
        }
      }
      out.push(`Machine: ${machineNote(loadBefore)}. Target: added p50 ≤ 0.3 ms.`);
      process.stdout.write(out.join('\n') + '\n');
    } finally {
      progress('stopping child processes');
      await children.stopAll();
    }
  },
};
