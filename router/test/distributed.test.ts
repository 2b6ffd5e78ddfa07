import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { Client } from 'pg';
import { printSubgraphSdl } from '@aitip/kit';
import { createTestDatabase } from '@aitip/kit/dist/src/testing/index.js';
import { repoRoot } from '../src/config.js';
import { platformSubgraphs } from '../src/platform-subgraphs.js';
import { createTestMember, freePort, graphql, waitForOk } from './support.js';

// Distributed mode: each subgraph and the router in its own process, on real PostgreSQL, Redis
// and RabbitMQ, sharing only the internal secret and the access-token secret.
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

function start(script: string, args: string[], env: Record<string, string>): { output: () => string } {
  const child = spawn(process.execPath, [join(repoRoot, script), ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { output: () => output };
}

test('subgraphs and the router run as separate processes with the same code', async () => {
  const database = await createTestDatabase('aitip_distributed');
  const dataDir = mkdtempSync(join(tmpdir(), 'aitip-distributed-'));
  const shared = {
    AITIP_INTERNAL_SECRET: randomBytes(32).toString('hex'),
    AUTH_TOKEN_SECRET: randomBytes(32).toString('hex'),
    AITIP_DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    AMQP_URL: process.env['AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672',
  };
  try {
    const chosen = platformSubgraphs.filter((s) => s.name === 'users' || s.name === 'datasets');
    const services = [];
    for (const subgraph of chosen) {
      const port = await freePort();
      const process = start(`subgraphs/${subgraph.name}/dist/src/main.js`, [], { ...shared, PORT: String(port) });
      await waitForOk(`http://127.0.0.1:${port}/readyz`, 60_000, process.output);
      services.push({
        name: subgraph.name,
        url: `http://127.0.0.1:${port}/graphql`,
        typeDefs: parse(await printSubgraphSdl(subgraph)),
      });
    }
    const composed = composeServices(services);
    assert.equal(composed.errors, undefined);
    const supergraphFile = join(dataDir, 'supergraph.graphql');
    writeFileSync(supergraphFile, composed.supergraphSdl!);

    const routerPort = await freePort();
    const router = start('router/dist/src/main.js', ['--supergraph', supergraphFile], {
      ...shared,
      PORT: String(routerPort),
    });
    await waitForOk(`http://127.0.0.1:${routerPort}/readyz`, 60_000, router.output);

    const client = new Client({ connectionString: database.url });
    await client.connect();
    const member = await createTestMember(
      async (sql, params) => (await client.query<{ id: string }>(sql, params)).rows,
      shared.AUTH_TOKEN_SECRET,
      { slug: 'dist', name: 'Distributed Org' },
    );
    await client.end();
    const { body } = await graphql(
      `http://127.0.0.1:${routerPort}/graphql`,
      `{ organization(id: "${member.orgId}") { name } dataset(id: "${member.orgId}") { id } }`,
      undefined,
      member.headers,
    );
    assert.deepEqual(body, { data: { organization: { name: 'Distributed Org' }, dataset: null } });
  } finally {
    for (const child of children) child.kill('SIGINT');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await database.drop();
  }
});
