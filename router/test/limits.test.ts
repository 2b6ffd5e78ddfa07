import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getIntrospectionQuery } from 'graphql';
import { randomBytes, randomUUID } from 'node:crypto';
import { RedisRateLimiter, createLogger, signAccessToken } from '@aitip/kit';
import { startRouter, type RunningRouter } from '../src/router.js';
import type { SecurityOverrides } from '../src/security.js';
import { parseRateLimit } from '../src/limits/rate-limit-spec.js';
import { parseConfig } from '@aitip/kit';
import { routerEnvSchema } from '../src/config.js';
import { startFixtureSubgraphs, type FixtureSubgraphs } from './fixture-subgraphs.js';
import { graphql } from './support.js';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const internalSecret = randomBytes(32).toString('hex');
const tokenSecret = randomBytes(32).toString('hex');
const logger = createLogger('limits-test', 'silent');

/** A client IP of its own per test, sent through the trusted proxy header, so limits in Redis never collide. */
const freshIp = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe('the router guards requests before execution', () => {
  let fixtures: FixtureSubgraphs;
  let limiter: RedisRateLimiter;
  const routers: RunningRouter[] = [];
  let url: string;
  let userToken: string;

  const start = async (security: SecurityOverrides = {}) => {
    const router = await startRouter(
      {
        supergraphSdl: fixtures.supergraphSdl,
        internalSecret,
        tokenSecret,
        rateLimiter: limiter,
        security: { trustProxyHops: 1, ...security },
        logger,
        logRequests: false,
      },
      { port: 0 },
    );
    routers.push(router);
    return `${router.url}/graphql`;
  };

  before(async () => {
    fixtures = await startFixtureSubgraphs(internalSecret);
    limiter = new RedisRateLimiter(redisUrl, logger);
    url = await start({
      corsOrigins: ['https://app.example.com'],
      maxBodyBytes: 4096,
      queryLimits: { maxDepth: 4, maxAliases: 3, maxRootFields: 3, maxCost: 200, maxQueryLength: 2000 },
    });
    ({ token: userToken } = await signAccessToken({ userId: randomUUID(), sessionId: randomUUID() }, tokenSecret));
  });
  after(async () => {
    for (const router of routers) await router.close();
    await fixtures?.close();
    await limiter?.close();
  });

  test('every answer carries RateLimit headers; over the limit the answer is 429 with Retry-After', async () => {
    const limited = await start({ rateLimits: { anonymous: { limit: 3, windowMs: 60_000 } } });
    const ip = freshIp();
    const headers = { 'x-forwarded-for': ip };
    const first = await graphql(limited, '{ books { title } }', undefined, headers);
    assert.equal(first.response.status, 200);
    assert.equal(first.response.headers.get('ratelimit-limit'), '3');
    assert.equal(first.response.headers.get('ratelimit-remaining'), '2');
    assert.equal(first.response.headers.get('ratelimit-policy'), '3;w=60');
    assert.match(first.response.headers.get('ratelimit-reset') ?? '', /^\d+$/);
    await graphql(limited, '{ books { title } }', undefined, headers);
    await graphql(limited, '{ books { title } }', undefined, headers);
    const refused = await graphql(limited, '{ books { title } }', undefined, headers);
    assert.equal(refused.response.status, 429);
    const retryAfter = Number(refused.response.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(refused.response.headers.get('ratelimit-remaining'), '0');
    assert.equal(refused.body.errors?.[0]?.extensions?.['code'], 'RATE_LIMITED');
    assert.equal(refused.body.errors?.[0]?.extensions?.['retryAfterSeconds'], retryAfter);
    assert.match(
      refused.body.errors![0]!.message,
      new RegExp(
        `^Rate limit exceeded: at most 3 requests per minute for client IP ${ip.replace(/\./g, '\\.')}.*; try again in ${retryAfter} seconds?\\.$`,
      ),
    );
    const other = await graphql(limited, '{ books { title } }', undefined, { 'x-forwarded-for': freshIp() });
    assert.equal(other.response.status, 200, 'another client IP has its own limit');
  });

  test('signed-in users are limited per user and per operation class', async () => {
    const limited = await start({
      rateLimits: { query: { limit: 2, windowMs: 60_000 }, mutation: { limit: 1, windowMs: 60_000 } },
    });
    const { token } = await signAccessToken({ userId: randomUUID(), sessionId: randomUUID() }, tokenSecret);
    const auth = { authorization: `Bearer ${token}`, 'x-forwarded-for': freshIp() };
    assert.equal((await graphql(limited, '{ books { title } }', undefined, auth)).response.status, 200);
    assert.equal((await graphql(limited, 'mutation { bump }', undefined, auth)).response.status, 200);
    assert.equal((await graphql(limited, '{ books { title } }', undefined, auth)).response.status, 200);
    assert.equal((await graphql(limited, '{ books { title } }', undefined, auth)).response.status, 429);
    assert.equal((await graphql(limited, 'mutation { bump }', undefined, auth)).response.status, 429);
    const { token: other } = await signAccessToken({ userId: randomUUID(), sessionId: randomUUID() }, tokenSecret);
    const fromSameIp = await graphql(limited, '{ books { title } }', undefined, {
      ...auth,
      authorization: `Bearer ${other}`,
    });
    assert.equal(fromSameIp.response.status, 200, 'another user from the same address has their own limit');
  });

  test('the public auth mutations have a stricter limit per client IP', async () => {
    const limited = await start({ rateLimits: { auth: { limit: 2, windowMs: 60_000 } } });
    const headers = { 'x-forwarded-for': freshIp() };
    const logIn = 'mutation { logIn(email: "a@example.com") }';
    assert.equal((await graphql(limited, logIn, undefined, headers)).response.status, 200);
    assert.equal((await graphql(limited, logIn, undefined, headers)).response.status, 200);
    const refused = await graphql(limited, logIn, undefined, headers);
    assert.equal(refused.response.status, 429);
    assert.match(refused.body.errors![0]!.message, /sign-in attempts per minute/);
    assert.equal((await graphql(limited, '{ books { title } }', undefined, headers)).response.status, 200);
  });

  test('a rate limit can be turned off', async () => {
    const unlimited = await start({ rateLimits: { anonymous: null } });
    const answer = await graphql(unlimited, '{ books { title } }', undefined, { 'x-forwarded-for': freshIp() });
    assert.equal(answer.response.status, 200);
    assert.equal(answer.response.headers.get('ratelimit-limit'), null);
  });

  test('operations over the depth, alias, root field and cost limits are refused with 400 and the measure', async () => {
    const deep = await graphql(url, '{ books { author { books { author { name } } } } }');
    assert.equal(deep.response.status, 400);
    assert.equal(deep.body.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_DEEP');
    assert.match(deep.body.errors![0]!.message, /5 levels deep; the limit is 4 \(MAX_QUERY_DEPTH\)/);

    const viaFragments = await graphql(
      url,
      'query { books { ...B } } fragment B on Book { author { ...A } } fragment A on Author { books { author { id } } }',
    );
    assert.equal(viaFragments.body.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_DEEP', 'fragments are expanded');

    const aliases = await graphql(
      url,
      '{ a: books { title } b: books { title } c: books { title } d: books { title } }',
    );
    assert.equal(aliases.response.status, 400);
    assert.equal(aliases.body.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_COMPLEX');
    assert.match(aliases.body.errors![0]!.message, /4 aliases; the limit is 3/);

    const roots = await graphql(url, '{ books { title } authors { name } whoami __typename bb: books { isbn } }');
    assert.equal(roots.body.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_COMPLEX');
    assert.match(roots.body.errors![0]!.message, /selects 4 top-level fields; the limit is 3/);

    const costly = await graphql(url, '{ books(first: 100) { title author { name } } }');
    assert.equal(costly.response.status, 400);
    assert.equal(costly.body.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_COMPLEX');
    assert.match(costly.body.errors![0]!.message, /estimated cost is 301; the limit is 200 \(MAX_QUERY_COST\)/);
    assert.deepEqual(costly.body.errors![0]!.extensions, { code: 'QUERY_TOO_COMPLEX', limit: 200, measured: 301 });

    const byVariable = await graphql(url, 'query ($n: Int) { books(first: $n) { title author { name } } }', { n: 100 });
    assert.equal(
      byVariable.body.errors?.[0]?.extensions?.['code'],
      'QUERY_TOO_COMPLEX',
      'page sizes from variables count',
    );
    const small = await graphql(url, 'query ($n: Int) { books(first: $n) { title author { name } } }', { n: 2 });
    assert.equal(small.response.status, 200);
    assert.equal((small.body.data?.['books'] as unknown[]).length, 2);

    // lists without a size count as ten items each
    const nested = await graphql(url, '{ authors { books { title } } }');
    assert.equal(nested.response.status, 200, '1 + 10 × (1 + 10 × 1) = 111');
    const deeper = await graphql(url, '{ authors { books { author { name } } } }');
    assert.deepEqual(deeper.body.errors?.[0]?.extensions, { code: 'QUERY_TOO_COMPLEX', limit: 200, measured: 211 });
  });

  test('query text over MAX_QUERY_LENGTH is refused before it is parsed', async () => {
    const long = `{ books { title } }${' '.repeat(2000)}`;
    const { response, body } = await graphql(url, long);
    assert.equal(response.status, 400);
    assert.equal(body.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_LARGE');
    assert.match(
      body.errors![0]!.message,
      /2019 characters long; this router accepts at most 2000 \(MAX_QUERY_LENGTH\)/,
    );
  });

  test('bodies over MAX_BODY_BYTES are refused with 413 that names the limit', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ books { title } }', variables: { padding: 'x'.repeat(5000) } }),
    });
    assert.equal(response.status, 413);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    assert.equal(body.errors[0]!.extensions.code, 'PAYLOAD_TOO_LARGE');
    assert.match(body.errors[0]!.message, /larger than 4096 bytes \(4 KiB\).*MAX_BODY_BYTES/);
    assert.equal((await graphql(url, '{ books { title } }')).response.status, 200, 'the router still answers');
  });

  test('introspection needs a signed-in caller', async () => {
    const anonymous = await graphql(url, '{ __schema { queryType { name } } }');
    assert.equal(anonymous.response.status, 401);
    assert.equal(anonymous.body.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
    assert.match(anonymous.body.errors![0]!.message, /^Introspection needs a signed-in caller/);
    const typeLookup = await graphql(url, '{ __type(name: "Book") { name } }');
    assert.equal(typeLookup.response.status, 401);
    const signedIn = await graphql(url, '{ __schema { queryType { name } } }', undefined, {
      authorization: `Bearer ${userToken}`,
    });
    assert.equal(signedIn.response.status, 200);
    assert.deepEqual(signedIn.body.data, { __schema: { queryType: { name: 'Query' } } });
    const typename = await graphql(url, '{ __typename }');
    assert.deepEqual(typename.body, { data: { __typename: 'Query' } }, '__typename is not introspection');
  });

  test('the full introspection query that GraphiQL and SDK generators send fits the limits', async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      inputValueDeprecation: true,
      schemaDescription: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
    });
    const defaults = await start({});
    const { response, body } = await graphql(defaults, query, undefined, { authorization: `Bearer ${userToken}` });
    assert.equal(response.status, 200, JSON.stringify(body.errors));
    assert.ok((body.data as { __schema: { types: unknown[] } }).__schema.types.length > 0);
  });

  test('INTROSPECTION=always and never', async () => {
    const always = await start({ introspection: 'always' });
    assert.equal((await graphql(always, '{ __schema { queryType { name } } }')).response.status, 200);
    const never = await start({ introspection: 'never' });
    const refused = await graphql(never, '{ __schema { queryType { name } } }', undefined, {
      authorization: `Bearer ${userToken}`,
    });
    assert.equal(refused.response.status, 403);
    assert.equal(refused.body.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
  });

  test('CSRF prevention refuses simple requests: GET without a preflight header, text/plain POST', async () => {
    const query = encodeURIComponent('{ books { title } }');
    const bare = await fetch(`${url}?query=${query}`);
    assert.equal(bare.status, 400);
    assert.match(await bare.text(), /CSRF|preflight/i);
    const withHeader = await fetch(`${url}?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    assert.equal(withHeader.status, 200);
    const plain = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ books { title } }' }),
    });
    assert.equal(plain.status, 400);
    const form = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=%7B%20books%20%7B%20title%20%7D%20%7D',
    });
    assert.equal(form.status, 400);
  });

  test('CORS: preflights from listed origins are answered, others are not', async () => {
    const listed = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, x-aitip-org',
      },
    });
    assert.equal(listed.status, 204);
    assert.equal(listed.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(listed.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS');
    assert.match(
      listed.headers.get('access-control-allow-headers') ?? '',
      /authorization.*content-type.*x-aitip-org.*x-request-id.*apollo-require-preflight/,
    );
    assert.match(listed.headers.get('access-control-max-age') ?? '', /^\d+$/);

    const unlisted = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' },
    });
    assert.equal(unlisted.status, 403);
    assert.equal(unlisted.headers.get('access-control-allow-origin'), null);

    const actual = await graphql(url, '{ books { title } }', undefined, { origin: 'https://app.example.com' });
    assert.equal(actual.response.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.match(
      actual.response.headers.get('access-control-expose-headers') ?? '',
      /RateLimit-Remaining.*Retry-After.*x-request-id/,
    );
    const foreign = await graphql(url, '{ books { title } }', undefined, { origin: 'https://evil.example.net' });
    assert.equal(foreign.response.headers.get('access-control-allow-origin'), null);
  });

  test('rate limit settings are validated with a clear message', () => {
    assert.deepEqual(parseRateLimit('600/60s'), { limit: 600, windowMs: 60_000 });
    assert.deepEqual(parseRateLimit('10/m'), { limit: 10, windowMs: 60_000 });
    assert.deepEqual(parseRateLimit('1000/2h'), { limit: 1000, windowMs: 7_200_000 });
    assert.equal(parseRateLimit('off'), null);
    assert.equal(parseRateLimit('600 per minute'), undefined);
    assert.throws(
      () => parseConfig('router', routerEnvSchema, { RATE_LIMIT_QUERY: 'lots', MAX_QUERY_DEPTH: 'deep' }),
      (err: Error) =>
        /RATE_LIMIT_QUERY: expected a rate limit like 600\/60s .* or off \(got "lots"\)/.test(err.message) &&
        /MAX_QUERY_DEPTH: expected a positive integer/.test(err.message),
    );
    const config = parseConfig('router', routerEnvSchema, {
      RATE_LIMIT_MUTATION: 'off',
      CORS_ORIGINS: 'https://a.example.com/, http://localhost:5173',
      TRUST_PROXY: 'true',
    });
    assert.equal(config.RATE_LIMIT_MUTATION, null);
    assert.deepEqual(config.CORS_ORIGINS, ['https://a.example.com', 'http://localhost:5173']);
    assert.equal(config.TRUST_PROXY, 1);
  });
});
