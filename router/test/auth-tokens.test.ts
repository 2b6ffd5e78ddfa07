import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { AUTH_REVOCATIONS_CHANNEL, RedisBus, createLogger, signAccessToken, type Identity } from '@aitip/kit';
import { startRouter, type RunningRouter } from '../src/router.js';
import { startFixtureSubgraphs, type FixtureSubgraphs } from './fixture-subgraphs.js';
import { graphql } from './support.js';

// Access tokens in front of any supergraph (no users subgraph needed): verification, the identity
// forwarded to subgraphs, and session revocations reaching two routers through Redis.
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const internalSecret = randomBytes(32).toString('hex');
const tokenSecret = randomBytes(32).toString('hex');
const logger = createLogger('auth-test', 'silent');
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens through the router', () => {
  let fixtures: FixtureSubgraphs;
  const buses: RedisBus[] = [];
  const routers: RunningRouter[] = [];
  let first: string;
  let second: string;

  const whoami = async (url: string, headers: Record<string, string> = {}) => {
    const { response, body } = await graphql(url, '{ whoami }', undefined, headers);
    const text = body.data?.['whoami'];
    return {
      status: response.status,
      body,
      identity: typeof text === 'string' ? (JSON.parse(text) as Identity) : undefined,
    };
  };

  before(async () => {
    fixtures = await startFixtureSubgraphs(internalSecret);
    for (let i = 0; i < 2; i++) {
      // each router with its own Redis connections, as two router processes would have
      const bus = new RedisBus(redisUrl, logger);
      buses.push(bus);
      const router = await startRouter(
        { supergraphSdl: fixtures.supergraphSdl, internalSecret, tokenSecret, bus, logger, logRequests: false },
        { port: 0 },
      );
      routers.push(router);
    }
    first = `${routers[0]!.url}/graphql`;
    second = `${routers[1]!.url}/graphql`;
  });
  after(async () => {
    for (const router of routers) await router.close();
    for (const bus of buses) await bus.close();
    await fixtures?.close();
  });

  test('without credentials the identity is anonymous, with the client IP', async () => {
    const { identity } = await whoami(first);
    assert.deepEqual(identity, { kind: 'anonymous', roles: [], scopes: [], clientIp: '127.0.0.1' });
  });

  test('a valid access token without an organization forwards the user and the session', async () => {
    const userId = randomUUID();
    const sessionId = randomUUID();
    const { token } = await signAccessToken({ userId, sessionId }, tokenSecret);
    const { identity } = await whoami(first, { authorization: `Bearer ${token}` });
    assert.deepEqual(identity, { kind: 'user', userId, sessionId, roles: [], scopes: [], clientIp: '127.0.0.1' });
  });

  test('expired, tampered, wrongly signed and alg:none tokens are refused with 401', async () => {
    const userId = randomUUID();
    const sessionId = randomUUID();
    const expired = (await signAccessToken({ userId, sessionId }, tokenSecret, -60)).token;
    const valid = (await signAccessToken({ userId, sessionId }, tokenSecret)).token;
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${b64({ ...claims, sub: randomUUID() })}.${signature}`;
    const wrongSecret = (await signAccessToken({ userId, sessionId }, randomBytes(32).toString('hex'))).token;
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    const hs512Header = b64({ alg: 'HS512', typ: 'JWT' });
    const hs512 = `${hs512Header}.${payload}.${createHmac('sha512', tokenSecret).update(`${hs512Header}.${payload}`).digest('base64url')}`;
    const cases: Array<[string, string, RegExp]> = [
      ['expired', expired, /The access token has expired\. Get a new one with refreshSession/],
      ['tampered', tampered, /The access token is not valid\. Sign in again\./],
      ['wrong signature', wrongSecret, /The access token is not valid/],
      ['alg none', none, /The access token is not valid/],
      ['HS512', hs512, /The access token is not valid/],
    ];
    for (const [name, token, message] of cases) {
      const { response, body } = await graphql(first, '{ books { title } }', undefined, {
        authorization: `Bearer ${token}`,
      });
      assert.equal(response.status, 401, name);
      assert.equal(body.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED', name);
      assert.match(body.errors![0]!.message, message, name);
      assert.equal(body.data, undefined, `${name}: nothing executed`);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
    assert.equal((await whoami(first, { authorization: `Bearer ${valid}` })).status, 200, 'the untouched token works');
  });

  test('other schemes and malformed credentials are refused with the expected format', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        'Basic dXNlcjpwYXNz',
        /The "Basic" authorization scheme is not supported\. Send "Authorization: Bearer <access token>"/,
      ],
      ['Bearer', /The Authorization header is malformed/],
      ['Bearer not-a-token', /neither an access token nor an API key/],
      ['Bearer aitip_short', /not a well-formed AITIP API key/],
      ['Bearer aitipr_abcdef', /This is a refresh token/],
    ];
    for (const [header, message] of cases) {
      const { status, body } = await whoami(first, { authorization: header });
      assert.equal(status, 401, header);
      assert.match(body.errors![0]!.message, message, header);
    }
  });

  test('an API key needs the users subgraph: without one the router says so', async () => {
    const key = `aitip_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    const { status, body } = await whoami(first, { authorization: `Bearer ${key}` });
    assert.equal(status, 503);
    assert.equal(body.errors?.[0]?.extensions?.['code'], 'SUBGRAPH_UNAVAILABLE');
    assert.match(body.errors![0]!.message, /no "users" subgraph/);
  });

  test('a revoked session is refused by every router within a second', async () => {
    const sessionId = randomUUID();
    const { token } = await signAccessToken({ userId: randomUUID(), sessionId }, tokenSecret);
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await whoami(first, auth)).status, 200);
    assert.equal((await whoami(second, auth)).status, 200, 'verified and cached on both routers');
    const publisher = new RedisBus(redisUrl, logger);
    try {
      await publisher.publish(AUTH_REVOCATIONS_CHANNEL, { type: 'session', sessionId });
    } finally {
      await publisher.close();
    }
    for (const url of [first, second]) {
      const deadline = Date.now() + 1000;
      let last: Awaited<ReturnType<typeof whoami>>;
      do {
        last = await whoami(url, auth);
      } while (last.status === 200 && Date.now() < deadline && (await new Promise((r) => setTimeout(r, 20, true))));
      assert.equal(last.status, 401);
      assert.equal(last.body.errors?.[0]?.message, 'This session was signed out; sign in again.');
    }
    const { token: fresh } = await signAccessToken({ userId: randomUUID(), sessionId: randomUUID() }, tokenSecret);
    assert.equal((await whoami(second, { authorization: `Bearer ${fresh}` })).status, 200, 'other sessions still work');
  });
});
