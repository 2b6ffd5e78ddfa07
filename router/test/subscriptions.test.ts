import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { createClient as createWsClient, type Client } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import type { ExecutionResult } from 'graphql';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import pg from 'pg';
import { AUTH_REVOCATIONS_CHANNEL, RedisBus, createLogger, printSubgraphSdl, signAccessToken } from '@aitip/kit';
import { createTestDatabase } from '@aitip/kit/dist/src/testing/index.js';
import { platformSubgraphs } from '../src/platform-subgraphs.js';
import type { RunningPlatform } from '../src/platform.js';
import { startRouter, type RunningRouter } from '../src/router.js';
import { startSubscriptionFixtures, type SubscriptionFixtures } from './subscription-fixtures.js';
import { createTestMember, graphql, startTestPlatform } from './support.js';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const logger = createLogger('subscriptions-test', 'silent');

const JOB_EVENTS = `subscription Jobs { jobStatusChanged { status job { id dataset { id name } } } }`;

/** Polls until `condition` holds (the test runner's timeout bounds it). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

/** The results of one client subscription as they arrive. */
class Feed {
  readonly events: ExecutionResult[] = [];
  error: unknown;
  done = false;
  private wake: (() => void) | undefined;

  push(event: ExecutionResult) {
    this.events.push(event);
    this.wake?.();
  }
  end(error?: unknown) {
    this.error = error;
    this.done = true;
    this.wake?.();
  }
  /** Waits until `count` events arrived (or the stream ended). */
  async waitFor(count: number): Promise<ExecutionResult[]> {
    while (this.events.length < count && !this.done) await new Promise<void>((r) => (this.wake = r));
    return this.events;
  }
  statuses(): string[] {
    return this.events.map((e) => (e.data?.['jobStatusChanged'] as { status: string }).status);
  }
}

interface WsClient {
  client: Client;
  /** Resolves with the close code of the connection. */
  closed: Promise<number>;
  subscribe(query: string, variables?: Record<string, unknown>): Feed;
}

function wsClient(router: RunningRouter, connectionParams: Record<string, unknown> = {}): WsClient {
  let resolveClosed!: (code: number) => void;
  const closed = new Promise<number>((r) => (resolveClosed = r));
  const client = createWsClient({
    url: router.url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: { closed: (event) => resolveClosed((event as { code: number }).code) },
  });
  return {
    client,
    closed,
    subscribe(query, variables) {
      const feed = new Feed();
      client.subscribe(
        { query, variables },
        { next: (e) => feed.push(e as ExecutionResult), error: (e) => feed.end(e), complete: () => feed.end() },
      );
      return feed;
    },
  };
}

describe('federated subscriptions through the router', () => {
  const internalSecret = randomBytes(32).toString('hex');
  const tokenSecret = randomBytes(32).toString('hex');
  let fixtures: SubscriptionFixtures;
  let router: RunningRouter;

  before(async () => {
    fixtures = await startSubscriptionFixtures(internalSecret);
    router = await startRouter(
      {
        supergraphSdl: fixtures.supergraphSdl,
        internalSecret,
        tokenSecret,
        logger,
        logRequests: false,
        security: { subscriptions: { maxBufferedEvents: 4, maxBufferedBytes: 256 * 1024 } },
      },
      { port: 0 },
    );
  });

  after(async () => {
    await router?.close();
    await fixtures?.close();
  });

  // every test starts without upstream subscriptions: the last client leaving closed them
  beforeEach(async () =>
    until(
      () =>
        fixtures.jobs.open === 0 &&
        router.subscriptions.upstreams.size === 0 &&
        router.subscriptions.connections.size === 0,
    ),
  );

  test('a cross-subgraph subscription delivers events merged with entity fields of other subgraphs', async () => {
    const ws = wsClient(router);
    const feed = ws.subscribe(JOB_EVENTS);
    await until(() => fixtures.jobs.open === 1);
    fixtures.log.publish('j1', 'RUNNING');
    const [event] = await feed.waitFor(1);
    assert.deepEqual(event, {
      data: { jobStatusChanged: { status: 'RUNNING', job: { id: 'j1', dataset: { id: 'd1', name: 'imagenet' } } } },
    });
    await ws.client.dispose();
  });

  test('a subscription sent as a plain HTTP request is refused with where to send it', async () => {
    const { response, body } = await graphql(router.url + '/graphql', JOB_EVENTS);
    assert.equal(response.status, 400);
    assert.equal(body.errors?.[0]?.extensions?.['code'], 'SUBSCRIPTION_NEEDS_STREAM');
  });

  test('a query whose Accept lists text/event-stream among JSON types (as urql sends) is plain HTTP', async () => {
    const response = await fetch(router.url + '/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept:
          'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed',
      },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { data: { __typename: 'Query' } });
  });

  test('the open connections and upstream subscriptions are in /metrics', async () => {
    const ws = wsClient(router);
    ws.subscribe(JOB_EVENTS);
    await until(() => fixtures.jobs.open === 1);
    const metrics = await (await fetch(router.url + '/metrics')).text();
    assert.match(metrics, /^aitip_router_subscription_connections 1$/m);
    assert.match(metrics, /^aitip_router_upstream_subscriptions 1$/m);
    await ws.client.dispose();
  });

  test('entity fields follow the owning subgraph between events', async () => {
    const ws = wsClient(router);
    const feed = ws.subscribe(JOB_EVENTS);
    await until(() => fixtures.jobs.open === 1);
    fixtures.log.publish('j1', 'QUEUED');
    await feed.waitFor(1);
    fixtures.datasetNames.set('d1', 'imagenet-v2');
    fixtures.log.publish('j1', 'RUNNING');
    const events = await feed.waitFor(2);
    const names = events.map(
      (e) => (e.data?.['jobStatusChanged'] as { job: { dataset: { name: string } } }).job.dataset.name,
    );
    assert.deepEqual(names, ['imagenet', 'imagenet-v2']);
    fixtures.datasetNames.set('d1', 'imagenet');
    await ws.client.dispose();
  });

  test('the router resumes after the owning subgraph restarts: every event once, in order', async () => {
    const ws = wsClient(router);
    const feed = ws.subscribe(JOB_EVENTS);
    await until(() => fixtures.jobs.open === 1);
    fixtures.log.publish('j1', 'S1');
    await feed.waitFor(1);
    const before = fixtures.jobs.total;
    await fixtures.stopJobs();
    fixtures.log.publish('j1', 'S2');
    fixtures.log.publish('j1', 'S3');
    await fixtures.startJobs();
    fixtures.log.publish('j1', 'S4');
    await until(() => fixtures.jobs.total > before && fixtures.jobs.open === 1);
    fixtures.log.publish('j1', 'S5');
    await feed.waitFor(5);
    assert.deepEqual(feed.statuses(), ['S1', 'S2', 'S3', 'S4', 'S5']);
    await ws.client.dispose();
  });

  test("the client's own `after` is where its stream starts", async () => {
    const cursor = fixtures.log.publish('j1', 'EARLIER');
    const ws = wsClient(router);
    const feed = ws.subscribe(`subscription ($after: String) { jobStatusChanged(after: $after) { cursor status } }`, {
      after: String(Number(cursor) - 1),
    });
    const [first] = await feed.waitFor(1);
    assert.deepEqual(first?.data, { jobStatusChanged: { cursor, status: 'EARLIER' } });
    await ws.client.dispose();
  });

  test('identical subscriptions with the same authorization share one upstream subscription', async () => {
    const first = wsClient(router);
    const second = wsClient(router);
    const a = first.subscribe(JOB_EVENTS);
    await until(() => fixtures.jobs.open === 1);
    const before = fixtures.jobs.total;
    const b = second.subscribe(JOB_EVENTS);
    await until(() => router.subscriptions.connections.size === 2);
    // the second client is attached once it receives an event
    let n = 0;
    while (b.events.length === 0) {
      fixtures.log.publish('j1', `D${++n}`);
      await a.waitFor(n);
    }
    assert.equal(fixtures.jobs.open, 1);
    assert.equal(fixtures.jobs.total, before);
    // both clients get each event, completed once: one entity fetch to the catalog per event
    const lastStatus = (feed: typeof a) => feed.statuses().at(-1);
    fixtures.log.publish('j1', 'SYNC');
    await until(() => lastStatus(a) === 'SYNC' && lastStatus(b) === 'SYNC');
    const lookups = fixtures.datasetLookups.count;
    fixtures.log.publish('j1', 'BOTH');
    await until(() => lastStatus(a) === 'BOTH' && lastStatus(b) === 'BOTH');
    assert.deepEqual(a.events.at(-1), b.events.at(-1));
    assert.equal(fixtures.datasetLookups.count, lookups + 1);
    await first.client.dispose();
    fixtures.log.publish('j1', 'AFTER');
    await b.waitFor(b.events.length + 1);
    assert.equal(fixtures.jobs.open, 1, 'the remaining client keeps the upstream subscription');
    await second.client.dispose();
    await until(() => fixtures.jobs.open === 0);
  });

  test('a graphql-sse client receives the same events as a graphql-ws client', async () => {
    const ws = wsClient(router);
    const wsFeed = ws.subscribe(JOB_EVENTS);
    const sse = createSseClient({ url: router.url + '/graphql', retryAttempts: 0 });
    const sseFeed = new Feed();
    const cancel = sse.subscribe(
      { query: JOB_EVENTS },
      { next: (e) => sseFeed.push(e as ExecutionResult), error: (e) => sseFeed.end(e), complete: () => sseFeed.end() },
    );
    await until(() => router.subscriptions.connections.size === 2 && fixtures.jobs.open === 1);
    // both are attached once both received an event
    let n = 0;
    while (wsFeed.events.length === 0 || sseFeed.events.length === 0) {
      fixtures.log.publish('j1', `W${++n}`);
      await until(() => wsFeed.events.length >= n);
    }
    const start = wsFeed.events.length;
    const sseStart = sseFeed.events.length;
    for (const status of ['A', 'B', 'C']) fixtures.log.publish('j1', status);
    await wsFeed.waitFor(start + 3);
    await sseFeed.waitFor(sseStart + 3);
    assert.deepEqual(sseFeed.events.slice(sseStart), wsFeed.events.slice(start));
    assert.deepEqual(sseFeed.statuses().slice(sseStart), ['A', 'B', 'C']);
    cancel();
    sse.dispose();
    await ws.client.dispose();
  });

  test('a client that cannot keep up is closed with 4413 while others are unaffected', async () => {
    const fast = wsClient(router);
    const fastFeed = fast.subscribe(`subscription { jobStatusChanged { status payload } }`);
    const slow = new WebSocket(router.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    const slowMessages: Array<{ type: string }> = [];
    const slowClosed = new Promise<number>((r) => slow.once('close', (code) => r(code)));
    slow.on('message', (data) => slowMessages.push(JSON.parse(String(data)) as { type: string }));
    await new Promise((r) => slow.once('open', r));
    slow.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    await until(() => slowMessages.some((m) => m.type === 'connection_ack'));
    slow.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: `subscription { jobStatusChanged { status payload } }` },
      }),
    );
    await until(() => fixtures.jobs.open === 1 && router.subscriptions.connections.size === 2);
    let n = 0;
    while (!slowMessages.some((m) => m.type === 'next')) {
      fixtures.log.publish('j1', `P${++n}`);
      await fastFeed.waitFor(n);
    }
    // the slow client stops reading; events of 512 KiB fill the socket buffers, then its bounded buffer
    (slow as unknown as { _socket: Socket })._socket.pause();
    const big = 'x'.repeat(512 * 1024);
    while (router.subscriptions.connections.closedWith(4413) === 0) {
      fixtures.log.publish('j1', `P${++n}`, big);
      await fastFeed.waitFor(n);
    }
    (slow as unknown as { _socket: Socket })._socket.resume();
    assert.equal(await slowClosed, 4413);
    fixtures.log.publish('j1', 'LAST');
    await fastFeed.waitFor(n + 1);
    assert.deepEqual(
      fastFeed.statuses(),
      [...Array.from({ length: n }, (_, i) => `P${i + 1}`), 'LAST'],
      'the fast client got every event in order',
    );
    await fast.client.dispose();
  });
});

describe('subscription authentication and limits', () => {
  const internalSecret = randomBytes(32).toString('hex');
  const tokenSecret = randomBytes(32).toString('hex');
  let fixtures: SubscriptionFixtures;
  let router: RunningRouter;
  let bus: RedisBus;
  let publisher: RedisBus;

  before(async () => {
    fixtures = await startSubscriptionFixtures(internalSecret);
    bus = new RedisBus(redisUrl, logger);
    publisher = new RedisBus(redisUrl, logger);
    router = await startRouter(
      {
        supergraphSdl: fixtures.supergraphSdl,
        internalSecret,
        tokenSecret,
        bus,
        logger,
        logRequests: false,
        security: { subscriptions: { maxPerConnection: 2, maxConnectionsPerPrincipal: 2 } },
      },
      { port: 0 },
    );
  });

  after(async () => {
    await router?.close();
    await fixtures?.close();
    await bus?.close();
    await publisher?.close();
  });

  const tokenFor = async (sessionId: string, ttlSeconds?: number) =>
    (await signAccessToken({ userId: randomUUID(), sessionId }, tokenSecret, ttlSeconds)).token;

  test('an invalid token in connection_init closes the connection with 4401', async () => {
    const ws = wsClient(router, { authorization: 'Bearer not-a-token' });
    assert.equal(await ws.closed, 4401);
  });

  test('the subgraph receives the signed identity of the connection_init token', async () => {
    const sessionId = randomUUID();
    const ws = wsClient(router, { authorization: `Bearer ${await tokenFor(sessionId)}` });
    ws.subscribe(JOB_EVENTS);
    await until(() => fixtures.jobs.identities.some((i) => i.sessionId === sessionId));
    await ws.client.dispose();
  });

  test('revoking the session closes its open subscriptions with 4401', async () => {
    const sessionId = randomUUID();
    const ws = wsClient(router, { authorization: `Bearer ${await tokenFor(sessionId)}` });
    const feed = ws.subscribe(JOB_EVENTS);
    await until(() => fixtures.jobs.identities.some((i) => i.sessionId === sessionId));
    await publisher.publish(AUTH_REVOCATIONS_CHANNEL, { type: 'session', sessionId });
    assert.equal(await ws.closed, 4401);
    await feed.waitFor(1);
    assert.equal(feed.done, true);
  });

  test('revoking the session ends its SSE streams with a last error event carrying 4401', async () => {
    const sessionId = randomUUID();
    const sse = createSseClient({
      url: router.url + '/graphql',
      retryAttempts: 0,
      headers: { authorization: `Bearer ${await tokenFor(sessionId)}` },
    });
    const feed = new Feed();
    sse.subscribe(
      { query: JOB_EVENTS },
      { next: (e) => feed.push(e as ExecutionResult), error: (e) => feed.end(e), complete: () => feed.end() },
    );
    await until(() => fixtures.jobs.identities.some((i) => i.sessionId === sessionId));
    await publisher.publish(AUTH_REVOCATIONS_CHANNEL, { type: 'session', sessionId });
    await until(() => feed.done);
    const last = feed.events.at(-1);
    assert.equal(last?.errors?.[0]?.extensions?.['closeCode'], 4401);
    assert.equal(last?.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
    sse.dispose();
  });

  test('queries and mutations over WebSocket are refused with a pointer to HTTP', async () => {
    const ws = wsClient(router);
    const feed = ws.subscribe(`{ job(id: "j1") { id } }`);
    await until(() => feed.done);
    assert.match(JSON.stringify(feed.error), /OPERATION_NOT_SUPPORTED/);
    await ws.client.dispose();
  });

  test('an expiring access token closes the connection with 4401', async () => {
    const ws = wsClient(router, { authorization: `Bearer ${await tokenFor(randomUUID(), 1)}` });
    ws.subscribe(JOB_EVENTS);
    assert.equal(await ws.closed, 4401);
  });

  test('subscriptions per connection and connections per principal are limited', async () => {
    const token = await tokenFor(randomUUID());
    const first = wsClient(router, { authorization: `Bearer ${token}` });
    const feeds = [first.subscribe(JOB_EVENTS), first.subscribe(JOB_EVENTS), first.subscribe(JOB_EVENTS)];
    await until(() => feeds[2]!.done);
    // refused with a GraphQL error (as an error or a last event), the connection stays open
    assert.match(JSON.stringify([feeds[2]!.error, feeds[2]!.events]), /TOO_MANY_SUBSCRIPTIONS/);
    assert.equal(feeds[0]!.done, false);
    const second = wsClient(router, { authorization: `Bearer ${token}` });
    second.subscribe(JOB_EVENTS);
    const third = wsClient(router, { authorization: `Bearer ${token}` });
    assert.equal(await third.closed, 4429);
    await first.client.dispose();
    await second.client.dispose();
  });
});

describe('revoking an API key closes its subscriptions (users subgraph, PostgreSQL, Redis)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let platform: RunningPlatform;
  let fixtures: SubscriptionFixtures;
  let router: RunningRouter;
  let client: pg.Client;

  before(async () => {
    database = await createTestDatabase('aitip_router_subscriptions');
    const started = await startTestPlatform({ DATABASE_URL: database.url, REDIS_URL: redisUrl });
    platform = started.platform;
    fixtures = await startSubscriptionFixtures(started.secret);
    const users = platformSubgraphs.find((s) => s.name === 'users')!;
    const usersUrl = platform.subgraphs.find((s) => s.name === 'users')!.url;
    const composed = composeServices([
      { name: 'users', url: usersUrl, typeDefs: parse(await printSubgraphSdl(users)) },
      ...fixtures.subgraphs,
    ]);
    if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('; '));
    router = await startRouter(
      {
        supergraphSdl: composed.supergraphSdl,
        internalSecret: started.secret,
        tokenSecret: platform.resources.keys.tokenSecret,
        // the bus the users subgraph announces revocations on
        bus: platform.resources.bus,
        logger,
        logRequests: false,
      },
      { port: 0 },
    );
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  after(async () => {
    await router?.close();
    await fixtures?.close();
    await client?.end();
    await platform?.stop();
    await database?.drop();
  });

  test('revoking the key closes its open subscriptions with 4401', async () => {
    const member = await createTestMember(
      async (sql, params) => (await client.query<{ id: string }>(sql, params)).rows,
      platform.resources.keys.tokenSecret,
      { slug: `subs-${randomUUID().slice(0, 8)}`, name: 'Subscriptions Org' },
    );
    const platformUrl = `http://127.0.0.1:${platform.router.port}/graphql`;
    const created = await graphql(
      platformUrl,
      'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }',
      { input: { name: 'subscriber', scopes: ['datasets:read'] } },
      member.headers,
    );
    const apiKey = created.body.data?.['createApiKey'] as { apiKey: { id: string }; secret: string };
    assert.ok(apiKey, JSON.stringify(created.body));
    const ws = wsClient(router, { authorization: `Bearer ${apiKey.secret}` });
    const feed = ws.subscribe(JOB_EVENTS);
    await until(() => fixtures.jobs.identities.some((i) => i.apiKeyId === apiKey.apiKey.id));
    const revoked = await graphql(
      platformUrl,
      'mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt } }',
      { id: apiKey.apiKey.id },
      member.headers,
    );
    assert.equal(revoked.body.errors, undefined, JSON.stringify(revoked.body.errors));
    assert.equal(await ws.closed, 4401);
    await until(() => feed.done);
  });
});
