import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildASTSchema,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  parse,
  type GraphQLInputType,
} from 'graphql';
import { RedisBus, RedisRateLimiter, createLogger } from '@aitip/kit';
import { createTestDatabase } from '@aitip/kit/dist/src/testing/index.js';
import type { RunningPlatform } from '../src/platform.js';
import { startRouter, type RunningRouter } from '../src/router.js';
import { composePlatformSupergraph, graphql, startTestPlatform } from './support.js';

// Users, organizations and API keys through the router, on real PostgreSQL and Redis, with a second
// router (its own Redis connections, as another process would have) that must hear revocations.
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const logger = createLogger('auth-test', 'silent');

/** Mutations open to anyone (@Public) or to any signed-in caller (@Authenticated), per docs/identity.md. */
const NOT_SCOPE_GUARDED = new Set([
  'signUp',
  'logIn',
  'refreshSession',
  'logOut',
  'createOrganization',
  'acceptInvitation',
  'leaveOrganization',
]);

describe('authentication through the router (users subgraph, PostgreSQL, Redis)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let platform: RunningPlatform;
  let supergraphSdl: string;
  let internalSecret: string;
  let secondRouter: RunningRouter;
  let secondBus: RedisBus;
  let secondLimiter: RedisRateLimiter;
  let first: string;
  let second: string;
  const suffix = randomUUID().slice(0, 8);
  const owner = { email: `owner-${suffix}@example.com`, token: '', userId: '' };
  const viewer = { email: `viewer-${suffix}@example.com`, token: '', userId: '' };
  const orgA = { slug: `acme-${suffix}`, id: '' };
  const orgB = { slug: `beta-${suffix}`, id: '' };

  const call = async (
    url: string,
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) => graphql(url, query, variables, headers);
  const data = async <T>(
    url: string,
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) => {
    const { response, body } = await call(url, query, variables, headers);
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data as T;
  };
  const as = (token: string, org?: string) => ({
    authorization: `Bearer ${token}`,
    ...(org ? { 'x-aitip-org': org } : {}),
  });

  before(async () => {
    database = await createTestDatabase('aitip_router_auth');
    const composedSdl = await composePlatformSupergraph();
    supergraphSdl = composedSdl;
    const started = await startTestPlatform({
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      AUTH_SIGNUP: 'open',
      SUPERGRAPH_PATH: await writeSupergraph(supergraphSdl),
    });
    platform = started.platform;
    internalSecret = started.secret;
    first = `http://127.0.0.1:${platform.router.port}/graphql`;
    secondBus = new RedisBus(redisUrl, logger);
    secondLimiter = new RedisRateLimiter(redisUrl, logger);
    secondRouter = await startRouter(
      {
        supergraphSdl,
        urlOverrides: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
        internalSecret: started.secret,
        tokenSecret: platform.resources.keys.tokenSecret,
        bus: secondBus,
        rateLimiter: secondLimiter,
        logger,
        logRequests: false,
      },
      { port: 0 },
    );
    second = `${secondRouter.url}/graphql`;

    const setupToken = readFileSync(join(started.dataDir, 'setup-token'), 'utf8').trim();
    const signUp = `mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }`;
    const made = await data<{ signUp: { accessToken: string; user: { id: string } } }>(first, signUp, {
      input: { email: owner.email, password: 'correct horse battery', displayName: 'Owner', setupToken },
    });
    owner.token = made.signUp.accessToken;
    owner.userId = made.signUp.user.id;
    for (const org of [orgA, orgB]) {
      const created = await data<{ createOrganization: { id: string } }>(
        first,
        'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }',
        { input: { name: org.slug, slug: org.slug } },
        as(owner.token),
      );
      org.id = created.createOrganization.id;
    }
    const invited = await data<{ inviteMember: { token: string } }>(
      first,
      'mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { token } }',
      { input: { email: viewer.email, role: 'VIEWER' } },
      as(owner.token, orgA.slug),
    );
    const joined = await data<{ signUp: { accessToken: string; user: { id: string } } }>(first, signUp, {
      input: {
        email: viewer.email,
        password: 'correct horse battery',
        displayName: 'Viewer',
        invitationToken: invited.inviteMember.token,
      },
    });
    viewer.token = joined.signUp.accessToken;
    viewer.userId = joined.signUp.user.id;
  });
  after(async () => {
    await secondRouter?.close();
    await secondBus?.close();
    await secondLimiter?.close();
    await platform?.stop();
    await database?.drop();
  });

  test('a member acting in an organization by slug or id gets their role and its scopes', async () => {
    const query = '{ viewer { kind role organization { id } scopes } }';
    for (const org of [orgA.slug, orgA.id]) {
      const answer = await data<{
        viewer: { kind: string; role: string; organization: { id: string }; scopes: string[] };
      }>(first, query, undefined, as(viewer.token, org));
      assert.equal(answer.viewer.kind, 'user');
      assert.equal(answer.viewer.role, 'VIEWER');
      assert.equal(answer.viewer.organization.id, orgA.id);
      assert.ok(answer.viewer.scopes.includes('datasets:read') && !answer.viewer.scopes.includes('datasets:write'));
    }
  });

  test('a member of organization A naming organization B gets 403', async () => {
    for (const org of [orgB.slug, orgB.id, 'no-such-org']) {
      const { response, body } = await call(first, '{ viewer { kind } }', undefined, as(viewer.token, org));
      assert.equal(response.status, 403, org);
      assert.equal(body.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
      assert.equal(
        body.errors?.[0]?.message,
        `You are not a member of organization "${org}". Run \`aitip orgs\` to list yours.`,
      );
    }
  });

  test('an API key with datasets:read only is FORBIDDEN on mutations needing other scopes', async () => {
    const created = await data<{ createApiKey: { apiKey: { id: string }; secret: string } }>(
      first,
      'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }',
      { input: { name: `read-only-${suffix}`, scopes: ['datasets:read'] } },
      as(owner.token, orgA.slug),
    );
    const key = { authorization: `Bearer ${created.createApiKey.secret}` };
    const me = await data<{ viewer: { kind: string; organization: { id: string }; scopes: string[] } }>(
      first,
      '{ viewer { kind organization { id } scopes } }',
      undefined,
      key,
    );
    assert.deepEqual(me.viewer, { kind: 'service', organization: { id: orgA.id }, scopes: ['datasets:read'] });
    for (const mutation of [
      'mutation { createApiKey(input: { name: "more", scopes: ["datasets:read"] }) { secret } }',
      'mutation { setSecret(name: "S", value: "v") { id } }',
    ]) {
      const { body } = await call(first, mutation, undefined, key);
      assert.equal(body.errors?.[0]?.extensions?.['code'], 'FORBIDDEN', mutation);
    }
    const elsewhere = await call(first, '{ viewer { kind } }', undefined, { ...key, 'x-aitip-org': orgB.id });
    assert.equal(elsewhere.response.status, 403, 'an API key acts only in its own organization');
  });

  test('a revoked API key stops working on a second router within a second', async () => {
    const created = await data<{ createApiKey: { apiKey: { id: string }; secret: string } }>(
      first,
      'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }',
      { input: { name: `revoked-${suffix}`, scopes: ['datasets:read'] } },
      as(owner.token, orgA.slug),
    );
    const key = { authorization: `Bearer ${created.createApiKey.secret}` };
    assert.equal(
      (await call(second, '{ viewer { kind } }', undefined, key)).response.status,
      200,
      'cached on router 2',
    );
    await data(
      first,
      'mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt } }',
      { id: created.createApiKey.apiKey.id },
      as(owner.token, orgA.slug),
    );
    const last = await pollUntilRefused(() => call(second, '{ viewer { kind } }', undefined, key));
    assert.equal(last.response.status, 401);
    assert.equal(
      last.body.errors?.[0]?.message,
      'This API key is not valid (revoked, expired or unknown). Create a new one with `aitip keys create`.',
    );
  });

  test('anonymous callers get UNAUTHENTICATED and a viewer FORBIDDEN on every scope-guarded mutation', async () => {
    const schema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
    const mutations = Object.values(schema.getMutationType()!.getFields()).filter(
      (f) => !f.astNode?.directives?.some((d) => d.name.value === 'inaccessible'),
    );
    assert.ok(mutations.length >= 10, `${mutations.length} mutations in the supergraph`);
    const unexpected: string[] = [];
    for (const field of mutations) {
      if (NOT_SCOPE_GUARDED.has(field.name)) continue;
      const args = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
      const argText = args.length ? `(${args.map((a) => `${a.name}: ${dummy(a.type)}`).join(', ')})` : '';
      const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
      const operation = `mutation { ${field.name}${argText}${selection} }`;
      for (const [who, headers, code] of [
        ['anonymous', {}, 'UNAUTHENTICATED'],
        ['viewer', as(viewer.token, orgA.slug), 'FORBIDDEN'],
      ] as const) {
        const { body } = await call(first, operation, undefined, headers);
        const got = body.errors?.[0]?.extensions?.['code'];
        const succeeded = body.data?.[field.name] !== undefined && body.data?.[field.name] !== null;
        if (got !== code || succeeded)
          unexpected.push(`${who} ${operation} → ${got ?? 'success'}: ${body.errors?.[0]?.message ?? ''}`);
      }
    }
    assert.deepEqual(unexpected, []);
  });

  test('a removed member loses access on every router within a second', async () => {
    const headers = as(viewer.token, orgA.slug);
    assert.equal((await call(second, '{ viewer { kind } }', undefined, headers)).response.status, 200);
    await data(
      first,
      'mutation ($id: ID!) { removeMember(userId: $id) }',
      { id: viewer.userId },
      as(owner.token, orgA.slug),
    );
    const last = await pollUntilRefused(() => call(second, '{ viewer { kind } }', undefined, headers));
    assert.equal(last.response.status, 403);
  });

  test('logOut revokes the session on every router within a second', async () => {
    const logIn = await data<{ logIn: { accessToken: string; refreshToken: string } }>(
      first,
      'mutation ($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken refreshToken } }',
      { e: owner.email, p: 'correct horse battery' },
    );
    const headers = as(logIn.logIn.accessToken);
    assert.equal((await call(second, '{ viewer { kind } }', undefined, headers)).response.status, 200);
    await data(first, 'mutation ($t: String!) { logOut(refreshToken: $t) }', { t: logIn.logIn.refreshToken });
    const last = await pollUntilRefused(() => call(second, '{ viewer { kind } }', undefined, headers));
    assert.equal(last.response.status, 401);
    assert.equal(last.body.errors?.[0]?.message, 'This session was signed out; sign in again.');

    // a router started after the log-out missed the message; it replays the revoked sessions' stream
    const lateBus = new RedisBus(redisUrl, logger);
    const lateLimiter = new RedisRateLimiter(redisUrl, logger);
    const late = await startRouter(
      {
        supergraphSdl,
        urlOverrides: Object.fromEntries(platform.subgraphs.map((s) => [s.name, s.url])),
        internalSecret,
        tokenSecret: platform.resources.keys.tokenSecret,
        bus: lateBus,
        rateLimiter: lateLimiter,
        logger,
        logRequests: false,
      },
      { port: 0 },
    );
    try {
      const answer = await call(`${late.url}/graphql`, '{ viewer { kind } }', undefined, headers);
      assert.equal(answer.response.status, 401);
      assert.equal(answer.body.errors?.[0]?.message, 'This session was signed out; sign in again.');
    } finally {
      await late.close();
      await lateBus.close();
      await lateLimiter.close();
    }
  });
});

/** Calls `probe` until it is refused (status ≥ 400), for at most one second. */
async function pollUntilRefused(probe: () => ReturnType<typeof graphql>): ReturnType<typeof graphql> {
  const deadline = Date.now() + 1000;
  for (;;) {
    const answer = await probe();
    if (answer.response.status >= 400 || Date.now() >= deadline) return answer;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A literal of the given input type that passes GraphQL validation (the values themselves are dummies). */
function dummy(type: GraphQLInputType): string {
  if (isNonNullType(type)) return dummy(type.ofType);
  if (isListType(type)) return `[${dummy(type.ofType)}]`;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    return `{ ${fields.map((f) => `${f.name}: ${dummy(f.type)}`).join(', ')} }`;
  }
  if (isEnumType(type)) return type.getValues()[0]!.name;
  switch (type.name) {
    case 'Int':
      return '1';
    case 'Float':
      return '1.5';
    case 'Boolean':
      return 'true';
    case 'ID':
      return '"11111111-1111-4111-8111-111111111111"';
    case 'DateTimeISO':
      return '"2030-01-01T00:00:00.000Z"';
    case 'JSON':
    case 'JSONObject':
      return '{}';
    default:
      return '"x"';
  }
}

async function writeSupergraph(sdl: string): Promise<string> {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const file = join(mkdtempSync(join(tmpdir(), 'aitip-auth-supergraph-')), 'supergraph.graphql');
  writeFileSync(file, sdl);
  return file;
}
