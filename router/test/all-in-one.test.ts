import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgres } from '@aitip/kit';
import { createTestDatabase } from '@aitip/kit/dist/src/testing/index.js';
import { repoRoot } from '../src/config.js';
import { createTestMember, freePort, graphql, spawnAllInOne, waitForOk } from './support.js';

const run = promisify(execFile);
const cli = join(repoRoot, 'cli/dist/src/main.js');

async function stop(child: ReturnType<typeof spawnAllInOne>): Promise<number | null> {
  child.child.kill('SIGINT');
  return child.exited;
}

describe('npm start (the all-in-one process)', () => {
  const children: Array<ReturnType<typeof spawnAllInOne>> = [];
  after(() => {
    for (const c of children) c.child.kill('SIGKILL');
  });

  test('a bad environment variable stops start-up with one message naming it', async () => {
    const child = spawnAllInOne({ PORT: 'eighty', AITIP_DATA_DIR: mkdtempSync(join(tmpdir(), 'aitip-bad-env-')) });
    children.push(child);
    assert.equal(await child.exited, 1);
    const output = child.output();
    assert.match(
      output,
      /Invalid configuration for aitip:\n {2}- PORT: expected a TCP port number between 1 and 65535 \(got "eighty"\)/,
    );
    assert.equal(output.trim().split('\n').length, 2, 'one message, no stack trace');
  });

  test('it starts with no external services, reports 11 healthy subgraphs, and a second start reuses the data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aitip-restart-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), AITIP_DATA_DIR: dataDir };

    const first = spawnAllInOne(env);
    children.push(first);
    await waitForOk(`${base}/readyz`, 90_000, first.output);
    assert.match(first.output(), new RegExp(`AITIP is ready at http://localhost:${port}`));

    const { stdout } = await run(process.execPath, [cli, '--url', base, 'status']);
    assert.match(stdout, /11 of 11 subgraphs healthy/);
    for (const name of [
      'users',
      'datasets',
      'training',
      'inference',
      'experiments',
      'agent',
      'simulation',
      'scheduler',
      'resources',
      'releases',
      'tests',
    ]) {
      assert.match(stdout, new RegExp(`^${name} +healthy`, 'm'));
    }
    const json = JSON.parse((await run(process.execPath, [cli, '--url', base, 'status', '--json'])).stdout) as {
      ready: boolean;
    };
    assert.equal(json.ready, true);
    assert.equal(await stop(first), 0, 'Ctrl-C shuts down cleanly');

    // write rows while the platform is down, straight into its embedded database; the token is
    // signed with the secret the first start generated into the data directory
    const embedded = await EmbeddedPostgres.open(join(dataDir, 'pgdata'));
    const member = await createTestMember(
      (sql, params) => embedded.query<{ id: string }>(sql, params),
      readFileSync(join(dataDir, 'token-secret'), 'utf8').trim(),
      { slug: 'kept', name: 'Kept Org' },
    );
    await embedded.close();

    const second = spawnAllInOne(env);
    children.push(second);
    await waitForOk(`${base}/readyz`, 90_000, second.output);
    const { body } = await graphql(
      `${base}/graphql`,
      `{ organization(id: "${member.orgId}") { slug name } }`,
      undefined,
      member.headers,
    );
    assert.deepEqual(body, { data: { organization: { slug: 'kept', name: 'Kept Org' } } });
    assert.equal(await stop(second), 0);
  });

  test('a second start on a busy port or a data directory in use is refused with what to do', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aitip-busy-'));
    const port = await freePort();
    const first = spawnAllInOne({ PORT: String(port), AITIP_DATA_DIR: dataDir });
    children.push(first);
    await waitForOk(`http://127.0.0.1:${port}/readyz`, 90_000, first.output);

    const samePort = spawnAllInOne({ PORT: String(port), AITIP_DATA_DIR: mkdtempSync(join(tmpdir(), 'aitip-busy2-')) });
    children.push(samePort);
    assert.equal(await samePort.exited, 1);
    assert.match(
      samePort.output(),
      new RegExp(`AITIP failed to start: Port ${port} is already in use\\. .*PORT=<port>`),
    );

    const sameData = spawnAllInOne({ PORT: String(await freePort()), AITIP_DATA_DIR: dataDir });
    children.push(sameData);
    assert.equal(await sameData.exited, 1);
    assert.match(
      sameData.output(),
      /The embedded database in .* is in use by process \d+\. Stop that AITIP process first/,
    );

    const { body } = await graphql(`http://127.0.0.1:${port}/graphql`, '{ __typename }');
    assert.deepEqual(body, { data: { __typename: 'Query' } }, 'the first platform is untouched');
    assert.equal(await stop(first), 0);
  });

  test('aitip status says clearly when the platform is not reachable', async () => {
    const port = await freePort();
    const result = await run(process.execPath, [cli, '--url', `http://127.0.0.1:${port}`, 'status']).catch(
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal((result as { code: number }).code, 2);
    assert.match(
      (result as { stderr: string }).stderr,
      /Cannot reach AITIP at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. Is it running\? Start it with `npm start`/,
    );
  });

  test('DATABASE_URL, REDIS_URL, AMQP_URL and S3_ENDPOINT switch every adapter to the real service', async () => {
    const database = await createTestDatabase('aitip_allinone');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = spawnAllInOne({
      PORT: String(port),
      AITIP_DATA_DIR: mkdtempSync(join(tmpdir(), 'aitip-real-')),
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      AMQP_URL: process.env['AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672',
      S3_ENDPOINT: process.env['S3_ENDPOINT'] ?? 'http://127.0.0.1:8080',
      S3_ACCESS_KEY: process.env['S3_ACCESS_KEY'] ?? 'test:tester',
      S3_SECRET_KEY: process.env['S3_SECRET_KEY'] ?? 'testing',
      S3_BUCKET: 'aitip-all-in-one-test',
    });
    children.push(child);
    try {
      await waitForOk(`${base}/readyz`, 90_000, child.output);
      assert.match(child.output(), /"adapters":\{"database":"postgres","bus":"redis","queue":"rabbitmq","blob":"s3"\}/);
      const { body } = await graphql(`${base}/graphql`, '{ viewer { kind } }');
      assert.deepEqual(body, { data: { viewer: { kind: 'anonymous' } } });
    } finally {
      assert.equal(await stop(child), 0);
      await database.drop();
    }
  });
});
