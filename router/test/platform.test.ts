import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IDENTITY_HEADER, scopesForRole, signIdentity, systemIdentity, type Identity } from '@aitip/kit';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { RunningPlatform } from '../src/platform.js';
import { createTestMember, graphql, startTestPlatform, type TestMember } from './support.js';

describe('the platform through the router (embedded adapters)', () => {
  let platform: RunningPlatform;
  let url: string;
  let orgId: string;
  let secret: string;
  let owner: TestMember;
  /** The identity the router forwards for `owner`, for calls straight to a subgraph. */
  let ownerIdentity: Identity;

  before(async () => {
    ({ platform, secret } = await startTestPlatform());
    url = `http://127.0.0.1:${platform.router.port}/graphql`;
    const users = platform.subgraphs.find((s) => s.name === 'users')!;
    owner = await createTestMember((sql, params) => users.db.query(sql, params), platform.resources.keys.tokenSecret, {
      slug: 'acme',
      name: 'Acme Research',
    });
    orgId = owner.orgId;
    ownerIdentity = {
      kind: 'user',
      userId: owner.userId,
      orgId,
      roles: ['owner'],
      scopes: [...scopesForRole('owner')],
    };
  });
  after(async () => platform?.stop());

  test('all eleven subgraphs are ready', async () => {
    const response = await fetch(`http://127.0.0.1:${platform.router.port}/readyz`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { ready: boolean; subgraphs: Array<{ name: string; healthy: boolean }> };
    assert.equal(body.ready, true);
    assert.deepEqual(body.subgraphs.map((s) => s.name).sort(), [
      'agent',
      'datasets',
      'experiments',
      'inference',
      'releases',
      'resources',
      'scheduler',
      'simulation',
      'tests',
      'training',
      'users',
    ]);
  });

  test('each subgraph checks its database, bus, queue and blob store in /readyz', async () => {
    for (const subgraph of platform.subgraphs) {
      const response = await fetch(new URL('/readyz', subgraph.url));
      assert.equal(response.status, 200);
      const body = (await response.json()) as { service: string; checks: Record<string, { ok: boolean }> };
      assert.equal(body.service, subgraph.name);
      assert.deepEqual(Object.keys(body.checks).sort(), ['blob', 'bus', 'database', 'queue']);
      assert.ok(Object.values(body.checks).every((c) => c.ok));
    }
  });

  test('a query over POST reads from the owning subgraph', async () => {
    const { response, body } = await graphql(
      url,
      'query OrgLookup($id: ID!) { organization(id: $id) { id slug name } }',
      { id: orgId },
      owner.headers,
    );
    assert.equal(response.status, 200);
    assert.deepEqual(body, { data: { organization: { id: orgId, slug: 'acme', name: 'Acme Research' } } });
  });

  test('GET queries work (with the CSRF preflight header) and the graphql-response+json media type is honoured', async () => {
    const query = encodeURIComponent(`{ organization(id: "${orgId}") { name } }`);
    const response = await fetch(`${url}?query=${query}`, {
      headers: { accept: 'application/graphql-response+json', 'apollo-require-preflight': 'true', ...owner.headers },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/graphql-response\+json/);
    assert.deepEqual(await response.json(), { data: { organization: { name: 'Acme Research' } } });
  });

  test('the request id is echoed, or made when the client sends none', async () => {
    const mine = await graphql(url, '{ __typename }', undefined, { 'x-request-id': 'req-test-42' });
    assert.equal(mine.response.headers.get('x-request-id'), 'req-test-42');
    const made = await graphql(url, '{ __typename }');
    assert.match(made.response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('malformed operations get a clear error with a stable code', async () => {
    const { response, body } = await graphql(url, '{ organization(id: ');
    assert.equal(response.status, 400);
    assert.equal(body.errors?.[0]?.extensions?.['code'], 'GRAPHQL_PARSE_FAILED');
    const unknown = await graphql(url, '{ noSuchField }');
    assert.equal(unknown.body.errors?.[0]?.extensions?.['code'], 'GRAPHQL_VALIDATION_FAILED');
  });

  test('a subgraph port called without the router-signed identity is refused', async () => {
    const users = platform.subgraphs.find((s) => s.name === 'users')!;
    const query = JSON.stringify({ query: `{ organization(id: "${orgId}") { name } }` });
    const bare = await fetch(users.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: query,
    });
    assert.equal(bare.status, 401);
    const bareBody = (await bare.json()) as { data?: unknown; errors: Array<{ extensions: { code: string } }> };
    assert.equal(bareBody.data, undefined);
    assert.equal(bareBody.errors[0]!.extensions.code, 'UNAUTHENTICATED');

    const forged = signIdentity(systemIdentity, 'not-the-platform-secret-but-long-enough');
    const forgedResponse = await fetch(users.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: forged },
      body: query,
    });
    assert.equal(forgedResponse.status, 401);

    const signed = await fetch(users.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: signIdentity(ownerIdentity, secret) },
      body: query,
    });
    assert.equal(signed.status, 200);
    assert.deepEqual(await signed.json(), { data: { organization: { name: 'Acme Research' } } });
  });

  test('a graphql-ws connection to a subgraph needs the signed identity too', async () => {
    const users = platform.subgraphs.find((s) => s.name === 'users')!;
    const wsUrl = users.url.replace('http://', 'ws://');
    const outcome = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const client = createClient({
          url: wsUrl,
          webSocketImpl: class extends WebSocket {
            constructor(address: string, protocols: string[]) {
              super(address, protocols, { headers });
            }
          },
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: () => undefined, // the refusal is what this test expects
          on: {
            connected: () => {
              resolve('connected');
              void client.dispose();
            },
            closed: (event) => resolve(`closed ${(event as { code: number }).code}`),
          },
        });
      });
    assert.equal(await outcome({}), 'closed 4403');
    assert.equal(await outcome({ [IDENTITY_HEADER]: signIdentity(systemIdentity, secret) }), 'connected');
  });

  test('entity references are resolved in one batch by the owning subgraph', async () => {
    const users = platform.subgraphs.find((s) => s.name === 'users')!;
    const missing = '11111111-1111-4111-8111-111111111111';
    const response = await fetch(users.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: signIdentity(ownerIdentity, secret) },
      body: JSON.stringify({
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { id slug } } }',
        variables: {
          r: [
            { __typename: 'Organization', id: orgId },
            { __typename: 'Organization', id: missing },
            { __typename: 'Organization', id: 'not-a-uuid' },
            { __typename: 'Organization', id: orgId },
          ],
        },
      }),
    });
    assert.deepEqual(await response.json(), {
      data: { _entities: [{ id: orgId, slug: 'acme' }, null, null, { id: orgId, slug: 'acme' }] },
    });
  });

  test('the router serves signed URLs of the local blob store', async () => {
    const { blob } = platform.resources;
    const onRouter = (url: string) => {
      const parsed = new URL(url);
      return `http://127.0.0.1:${platform.router.port}${parsed.pathname}${parsed.search}`;
    };
    const put = await fetch(onRouter(await blob.presignPut('tests/hello.txt', 60)), {
      method: 'PUT',
      body: 'hello, blob',
    });
    assert.equal(put.status, 200);
    const get = await fetch(onRouter(await blob.presignGet('tests/hello.txt', 60)));
    assert.equal(get.status, 200);
    assert.equal(await get.text(), 'hello, blob');
    const unsigned = await fetch(`http://127.0.0.1:${platform.router.port}/blob/tests/hello.txt`);
    assert.equal(unsigned.status, 403);
  });

  test('Prometheus metrics count operations by name', async () => {
    await graphql(url, 'query MetricsProbe { __typename }');
    const text = await (await fetch(`http://127.0.0.1:${platform.router.port}/metrics`)).text();
    assert.match(text, /aitip_graphql_operation_duration_seconds_count\{[^}]*operation="MetricsProbe"[^}]*\} 1/);
    assert.match(text, /process_resident_memory_bytes/);
  });

  test('a stopped subgraph is named by /readyz and by the errors of queries that touch it', async () => {
    const training = platform.subgraphs.find((s) => s.name === 'training')!;
    await training.close();
    const ready = await fetch(`http://127.0.0.1:${platform.router.port}/readyz`);
    assert.equal(ready.status, 503);
    const report = (await ready.json()) as {
      ready: boolean;
      subgraphs: Array<{ name: string; healthy: boolean; error: string | null }>;
    };
    const unhealthy = report.subgraphs.filter((s) => !s.healthy);
    assert.deepEqual(
      unhealthy.map((s) => s.name),
      ['training'],
    );
    assert.match(unhealthy[0]!.error ?? '', /unreachable/);

    const { body } = await graphql(
      url,
      `{ trainingJob(id: "11111111-1111-4111-8111-111111111111") { id } organization(id: "${orgId}") { name } }`,
      undefined,
      owner.headers,
    );
    assert.equal(body.errors?.length, 1);
    assert.match(body.errors![0]!.message, /Subgraph "training" is unavailable/);
    assert.equal(body.errors![0]!.extensions?.['code'], 'SUBGRAPH_UNAVAILABLE');
    assert.deepEqual(
      body.data?.['organization'],
      { name: 'Acme Research' },
      'the healthy part of the query still answers',
    );
  });
});
