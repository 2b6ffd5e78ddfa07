import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCOPES } from '@aitip/kit';
import { createTestDatabase } from '@aitip/kit/dist/src/testing/index.js';
import type { RunningPlatform } from '../src/platform.js';
import { composePlatformSupergraph, graphql, startTestPlatform } from './support.js';
import { domainEntityCases, type EntityCase } from './tenant-fixtures.js';

// Tenant isolation through the router: the whole platform in this process on real PostgreSQL and
// Redis, two organizations with one owner each, and one object of every entity type in each. A member
// of org A (by access token or by API key) must not read, list, update or delete org B's objects by
// guessing their ids, and injection-shaped arguments must find nothing and change nothing. The same
// objects through each subgraph's own `_entities` are covered by tenant-isolation.test.ts.
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Argument values shaped like SQL injection; every lookup with them must find nothing. */
const INJECTIONS = [`' OR 1=1 --`, `"; DROP TABLE users.users; --`, `%' OR '1'='1`];

/** The errors a refused or malformed argument may produce: anything else (INTERNAL) is a failure. */
const CLEAN_CODES = new Set(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'NOT_FOUND', 'FORBIDDEN']);

/** The users subgraph's tables whose row counts must not change when org A pokes at org B's objects. */
const USERS_TABLES = ['users', 'organizations', 'memberships', 'invitations', 'api_keys', 'secrets'];

type Body = Awaited<ReturnType<typeof graphql>>['body'];

interface Owner {
  email: string;
  token: string;
  userId: string;
  org: { id: string; slug: string };
}

describe('tenant isolation through the router (whole platform, PostgreSQL, Redis)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let platform: RunningPlatform;
  let url: string;
  /** Temporary directories (the supergraph file, the platform's data directory) removed at the end. */
  const directories: string[] = [];
  const suffix = randomUUID().slice(0, 8);
  const ownerA: Owner = {
    email: `a-${suffix}@example.com`,
    token: '',
    userId: '',
    org: { id: '', slug: `a-${suffix}` },
  };
  const ownerB: Owner = {
    email: `b-${suffix}@example.com`,
    token: '',
    userId: '',
    org: { id: '', slug: `b-${suffix}` },
  };
  /** A member (not owner) of org B, so refusals cannot come from the last-owner rule. */
  const memberB = { email: `c-${suffix}@example.com`, userId: '' };
  /** Org B's objects that org A tries to reach. */
  const ofB = { apiKeyId: '', apiKey: '', invitationId: '', secretName: `B_ONLY_${suffix}` };
  /** Org A's own objects, which it must keep seeing. */
  const ofA = { apiKeyId: '', readKey: '', invitationId: '', secretName: `A_ONLY_${suffix}` };
  /** The id of the row of each domain entity type for org A and for org B. */
  const rows = new Map<string, { a: string; b: string }>();

  const call = (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
    graphql(url, query, variables, headers);
  const data = async <T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const { response, body } = await call(query, variables, headers);
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data as T;
  };
  const as = (token: string, org?: string) => ({
    authorization: `Bearer ${token}`,
    ...(org ? { 'x-aitip-org': org } : {}),
  });
  const asA = () => as(ownerA.token, ownerA.org.slug);
  const asB = () => as(ownerB.token, ownerB.org.slug);
  const withKeyA = () => ({ authorization: `Bearer ${ofA.readKey}` });
  /** Every id or name of org B's that org A might guess. */
  const idsOfB = () => [
    ownerB.org.id,
    ownerB.userId,
    memberB.userId,
    ofB.apiKeyId,
    ofB.invitationId,
    ofB.secretName,
    ...[...rows.values()].map((r) => r.b),
  ];
  /** Fails when the answer mentions any of org B's ids (in data or in an error message) but `named` ones. */
  const assertNothingOfB = (body: unknown, what: string, named: string[] = []) => {
    const text = JSON.stringify(body);
    for (const id of idsOfB().filter((id) => id && !named.includes(id))) {
      assert.ok(!text.includes(id), `${what} shows ${id} of org B: ${text}`);
    }
  };
  const usersDb = () => platform.subgraphs.find((s) => s.name === 'users')!.db;
  const countUsersTables = async () => {
    const counts: Record<string, number> = {};
    for (const table of USERS_TABLES) {
      const [row] = (await usersDb().query(`SELECT count(*)::int AS n FROM users.${table}`)) as Array<{ n: number }>;
      counts[table] = row!.n;
    }
    return counts;
  };

  before(async () => {
    database = await createTestDatabase('aitip_router_tenants');
    const composedSdl = await composePlatformSupergraph();
    directories.push(mkdtempSync(join(tmpdir(), 'aitip-tenants-supergraph-')));
    const supergraphPath = join(directories[0]!, 'supergraph.graphql');
    writeFileSync(supergraphPath, composedSdl);
    const started = await startTestPlatform({
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      AUTH_SIGNUP: 'open',
      SUPERGRAPH_PATH: supergraphPath,
      // this suite makes hundreds of calls as one user; rate limits have their own tests
      RATE_LIMIT_QUERY: 'off',
      RATE_LIMIT_MUTATION: 'off',
      RATE_LIMIT_ORG_QUERY: 'off',
      RATE_LIMIT_ORG_MUTATION: 'off',
      RATE_LIMIT_ANONYMOUS: 'off',
      RATE_LIMIT_AUTH: 'off',
    });
    platform = started.platform;
    directories.push(started.dataDir);
    url = `http://127.0.0.1:${platform.router.port}/graphql`;

    const signUp = `mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }`;
    const password = 'correct horse battery';
    const setupToken = readFileSync(join(started.dataDir, 'setup-token'), 'utf8').trim();
    for (const [owner, extra] of [
      [ownerA, { setupToken }],
      [ownerB, {}],
    ] as const) {
      const made = await data<{ signUp: { accessToken: string; user: { id: string } } }>(signUp, {
        input: { email: owner.email, password, displayName: owner.org.slug, ...extra },
      });
      owner.token = made.signUp.accessToken;
      owner.userId = made.signUp.user.id;
      const created = await data<{ createOrganization: { id: string } }>(
        'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }',
        { input: { name: owner.org.slug, slug: owner.org.slug } },
        as(owner.token),
      );
      owner.org.id = created.createOrganization.id;
    }

    const invite = 'mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } token } }';
    type Invited = { inviteMember: { invitation: { id: string }; token: string } };
    const createKey = 'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }';
    type CreatedKey = { createApiKey: { apiKey: { id: string }; secret: string } };
    const setSecret = 'mutation ($n: String!, $v: String!) { setSecret(name: $n, value: $v) { id } }';

    // org B: a second member (joined by invitation), a pending invitation, an API key and a secret
    const joinB = await data<Invited>(invite, { input: { email: memberB.email, role: 'MEMBER' } }, asB());
    const joined = await data<{ signUp: { user: { id: string } } }>(signUp, {
      input: { email: memberB.email, password, displayName: 'C', invitationToken: joinB.inviteMember.token },
    });
    memberB.userId = joined.signUp.user.id;
    const pendingB = await data<Invited>(
      invite,
      { input: { email: `d-${suffix}@example.com`, role: 'VIEWER' } },
      asB(),
    );
    ofB.invitationId = pendingB.inviteMember.invitation.id;
    const keyB = await data<CreatedKey>(createKey, { input: { name: 'B CI', scopes: ['datasets:read'] } }, asB());
    ofB.apiKeyId = keyB.createApiKey.apiKey.id;
    ofB.apiKey = keyB.createApiKey.secret;
    await data(setSecret, { n: ofB.secretName, v: 'b-secret-value' }, asB());

    // org A: the same kinds of objects, and an API key holding every read scope
    const pendingA = await data<Invited>(
      invite,
      { input: { email: `e-${suffix}@example.com`, role: 'VIEWER' } },
      asA(),
    );
    ofA.invitationId = pendingA.inviteMember.invitation.id;
    const readScopes = SCOPES.filter((scope) => scope.endsWith(':read'));
    const keyA = await data<CreatedKey>(createKey, { input: { name: 'A reader', scopes: readScopes } }, asA());
    ofA.apiKeyId = keyA.createApiKey.apiKey.id;
    ofA.readKey = keyA.createApiKey.secret;
    await data(setSecret, { n: ofA.secretName, v: 'a-secret-value' }, asA());

    // one row of every domain entity type per organization, on the owning subgraph's connection
    for (const subgraph of domainEntityCases) {
      const running = platform.subgraphs.find((s) => s.name === subgraph.definition.name);
      assert.ok(running, `the platform runs the ${subgraph.definition.name} subgraph`);
      for (const entity of subgraph.entities) {
        const ids = { a: randomUUID(), b: randomUUID() };
        for (const [id, orgId] of [
          [ids.a, ownerA.org.id],
          [ids.b, ownerB.org.id],
        ] as const) {
          await running.db.query(entity.insert, entity.shared ? [id] : [id, orgId]);
        }
        rows.set(entity.type, ids);
      }
    }
  });

  after(async () => {
    await platform?.stop();
    await database?.drop();
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  describe('domain entity types by id', () => {
    const fieldsOf = (entity: EntityCase) => (entity.shared ? 'id' : 'id orgId');
    const byId = (entity: EntityCase) => `query ($id: ID!) { ${entity.query}(id: $id) { ${fieldsOf(entity)} } }`;

    for (const subgraph of domainEntityCases) {
      for (const entity of subgraph.entities) {
        const ids = () => rows.get(entity.type)!;
        const ownObject = () => (entity.shared ? { id: ids().a } : { id: ids().a, orgId: ownerA.org.id });

        if (entity.shared) {
          test(`${entity.type} (platform-wide): org A reads every row through the router`, async () => {
            for (const id of [ids().a, ids().b]) {
              const answer = await data(byId(entity), { id }, asA());
              assert.deepEqual(answer, { [entity.query]: { id } });
            }
          });
        } else {
          for (const [who, headers] of [
            ['a member of org A', asA],
            ['an org A API key with every read scope', withKeyA],
          ] as const) {
            test(`${entity.type}: for ${who}, ${entity.query}(id) of org B's object is null; A's is found`, async () => {
              const { response, body } = await call(byId(entity), { id: ids().b }, headers());
              assert.equal(response.status, 200);
              assert.deepEqual(body.data, { [entity.query]: null });
              assert.equal(body.errors, undefined, JSON.stringify(body.errors));
              assertNothingOfB(body, `${entity.query}(B's id)`);
              const inline = await call(`{ ${entity.query}(id: "${ids().b}") { ${fieldsOf(entity)} } }`, {}, headers());
              assert.deepEqual(inline.body, { data: { [entity.query]: null } });
              const mine = await data(byId(entity), { id: ids().a }, headers());
              assert.deepEqual(mine, { [entity.query]: ownObject() });
            });
          }

          test(`${entity.type}: a member of org A naming org B in x-aitip-org gets 403 and no data`, async () => {
            for (const org of [ownerB.org.slug, ownerB.org.id]) {
              const { response, body } = await call(byId(entity), { id: ids().b }, as(ownerA.token, org));
              assert.equal(response.status, 403, org);
              assert.equal(body.data, undefined);
              assert.equal(body.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
              // the refusal repeats the organization the caller named, and nothing else of B's
              assertNothingOfB(body, `${entity.query} acting in org B`, [org]);
            }
            const elsewhere = await call(
              byId(entity),
              { id: ids().b },
              { ...withKeyA(), 'x-aitip-org': ownerB.org.id },
            );
            assert.equal(elsewhere.response.status, 403, 'an API key acts only in its own organization');
            assert.equal(elsewhere.body.data, undefined);
          });
        }

        test(`${entity.type}: SQL-injection-shaped ids through the router find nothing and change nothing`, async () => {
          const table = `${subgraph.definition.name}.${entity.table}`;
          const db = platform.subgraphs.find((s) => s.name === subgraph.definition.name)!.db;
          const count = `SELECT count(*)::int AS n FROM ${table}`;
          const before = await db.query(count);
          for (const id of [...INJECTIONS, `${ids().b}' OR '1'='1`]) {
            const answer = await call(byId(entity), { id }, asA());
            assert.deepEqual(answer.body, { data: { [entity.query]: null } }, id);
            const inline = await call(`{ ${entity.query}(id: ${JSON.stringify(id)}) { id } }`, {}, asA());
            assert.deepEqual(inline.body, { data: { [entity.query]: null } }, id);
          }
          assert.deepEqual(await db.query(count), before);
          assert.deepEqual(await data(byId(entity), { id: ids().a }, asA()), { [entity.query]: ownObject() });
        });
      }
    }

    test('the router does not expose _entities, so representations cannot be sent through it', async () => {
      const [subgraph] = domainEntityCases;
      const entity = subgraph!.entities[0]!;
      const { body } = await call(
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${entity.type} { id } } }`,
        { r: [{ __typename: entity.type, id: rows.get(entity.type)!.b }] },
        asA(),
      );
      assert.equal(body.data, undefined);
      assert.equal(body.errors?.[0]?.extensions?.['code'], 'GRAPHQL_VALIDATION_FAILED');
    });
  });

  describe('users subgraph objects', () => {
    test("organization(id) of org B is null for org A's owner and API key; org A's is found", async () => {
      for (const headers of [asA(), withKeyA()]) {
        for (const id of [ownerB.org.id, ownerB.org.slug]) {
          const { body } = await call('query ($id: ID!) { organization(id: $id) { id slug } }', { id }, headers);
          assert.deepEqual(body, { data: { organization: null } });
        }
        const mine = await data('query ($id: ID!) { organization(id: $id) { id } }', { id: ownerA.org.id }, headers);
        assert.deepEqual(mine, { organization: { id: ownerA.org.id } });
      }
    });

    test("user(id) of org B's owner and member is null for org A; A's owner is found", async () => {
      for (const headers of [asA(), withKeyA()]) {
        for (const id of [ownerB.userId, memberB.userId]) {
          const { body } = await call('query ($id: ID!) { user(id: $id) { id email } }', { id }, headers);
          assert.deepEqual(body, { data: { user: null } });
        }
        const mine = await data('query ($id: ID!) { user(id: $id) { id } }', { id: ownerA.userId }, headers);
        assert.deepEqual(mine, { user: { id: ownerA.userId } });
      }
    });

    test("members, apiKeys, secrets, invitations and myOrganizations list only org A's objects", async () => {
      const query = `{
        members { orgId user { id } }
        apiKeys { id orgId }
        secrets { orgId name }
        invitations { id orgId }
        myOrganizations { organization { id } }
      }`;
      type Lists = {
        members: Array<{ orgId: string; user: { id: string } }>;
        apiKeys: Array<{ id: string; orgId: string }>;
        secrets: Array<{ orgId: string; name: string }>;
        invitations: Array<{ id: string; orgId: string }>;
        myOrganizations: Array<{ organization: { id: string } }>;
      };
      const lists = await data<Lists>(query, undefined, asA());
      assertNothingOfB(lists, 'the lists');
      assert.deepEqual(
        lists.members.map((m) => [m.orgId, m.user.id]),
        [[ownerA.org.id, ownerA.userId]],
      );
      assert.deepEqual(
        lists.apiKeys.map((k) => [k.id, k.orgId]),
        [[ofA.apiKeyId, ownerA.org.id]],
      );
      assert.deepEqual(
        lists.secrets.map((s) => [s.name, s.orgId]),
        [[ofA.secretName, ownerA.org.id]],
      );
      assert.deepEqual(
        lists.invitations.map((i) => [i.id, i.orgId]),
        [[ofA.invitationId, ownerA.org.id]],
      );
      assert.deepEqual(lists.myOrganizations, [{ organization: { id: ownerA.org.id } }]);

      // the API key reads the same lists (secrets and invitations need scopes it does not hold)
      const byKey = await data<Pick<Lists, 'members' | 'apiKeys'>>(
        '{ members { orgId user { id } } apiKeys { id orgId } }',
        undefined,
        withKeyA(),
      );
      assert.deepEqual(byKey.members, lists.members);
      assert.deepEqual(byKey.apiKeys, lists.apiKeys);

      // and org B does see its own, so the lists above are not empty by accident
      const theirs = await data<Lists>(query, undefined, asB());
      assert.deepEqual(theirs.members.map((m) => m.user.id).sort(), [ownerB.userId, memberB.userId].sort());
      assert.deepEqual(
        theirs.apiKeys.map((k) => k.id),
        [ofB.apiKeyId],
      );
      assert.deepEqual(
        theirs.secrets.map((s) => s.name),
        [ofB.secretName],
      );
      assert.deepEqual(
        theirs.invitations.map((i) => i.id),
        [ofB.invitationId],
      );
    });

    test("auditEvents lists only org A's events, whatever the filter", async () => {
      const query = `query ($filter: AuditEventFilter) {
        auditEvents(filter: $filter, first: 200) { edges { node { orgId actorId action targetId } } }
      }`;
      type Page = { auditEvents: { edges: Array<{ node: { orgId: string; actorId: string; targetId: string } }> } };
      const events = async (headers: Record<string, string>, filter?: Record<string, string>) =>
        (await data<Page>(query, { filter }, headers)).auditEvents.edges.map((e) => e.node);
      // the audit log is written from a queue: wait until both organizations' secret.set events are stored
      await waitFor(async () => (await events(asB(), { action: 'secret.set' })).length > 0, "org B's events");
      await waitFor(async () => (await events(asA(), { action: 'secret.set' })).length > 0, "org A's events");
      assert.ok(
        (await events(asB())).some((e) => e.targetId === ofB.apiKeyId),
        'org B sees its own events',
      );

      for (const headers of [asA(), withKeyA()]) {
        const all = await events(headers);
        assert.ok(all.length > 0);
        assert.deepEqual([...new Set(all.map((e) => e.orgId))], [ownerA.org.id]);
        assertNothingOfB(all, "org A's audit log");
        const filters: Array<Record<string, string>> = [
          { actorId: ownerB.userId },
          { actorId: memberB.userId },
          { targetId: ofB.apiKeyId },
          { targetId: ofB.invitationId },
          { targetId: ofB.secretName },
          { targetType: 'ApiKey', actorId: ownerB.userId },
        ];
        for (const filter of filters) {
          assert.deepEqual(await events(headers, filter), [], JSON.stringify(filter));
        }
      }
    });

    test("org A cannot revoke, change or delete org B's objects by guessing their ids", async () => {
      const counts = await countUsersTables();
      const attempts: Array<[string, Record<string, unknown>]> = [
        ['mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }', { id: ofB.apiKeyId }],
        ['mutation ($id: ID!) { revokeInvitation(id: $id) { id revokedAt } }', { id: ofB.invitationId }],
        ...[ownerB.userId, memberB.userId].flatMap((id): Array<[string, Record<string, unknown>]> => [
          ['mutation ($id: ID!) { changeMemberRole(userId: $id, role: VIEWER) { id role } }', { id }],
          ['mutation ($id: ID!) { removeMember(userId: $id) }', { id }],
        ]),
        ['mutation ($name: String!) { deleteSecret(name: $name) }', { name: ofB.secretName }],
      ];
      for (const [mutation, variables] of attempts) {
        const { body } = await call(mutation, variables, asA());
        const code = body.errors?.[0]?.extensions?.['code'];
        assert.ok(
          code === 'NOT_FOUND' || code === 'FORBIDDEN',
          `${mutation} ${JSON.stringify(variables)} → ${JSON.stringify(body)}`,
        );
        assert.equal(body.data, null, JSON.stringify(body));
        assertNothingOfB(body, mutation, Object.values(variables) as string[]);
        // acting in org B is refused at the router, before any subgraph sees it
        const inB = await call(mutation, variables, as(ownerA.token, ownerB.org.id));
        assert.equal(inB.response.status, 403, mutation);
        assert.equal(inB.body.data, undefined);
      }
      assert.deepEqual(await countUsersTables(), counts);
      await assertOrgBIntact();
    });

    test('SQL-injection-shaped arguments to by-id and list fields are harmless', async () => {
      const counts = await countUsersTables();
      const clean = (body: Body, what: string) => {
        const code = body.errors?.[0]?.extensions?.['code'];
        assert.ok(typeof code === 'string' && CLEAN_CODES.has(code), `${what} → ${JSON.stringify(body)}`);
      };
      const edgesQuery = `query ($filter: AuditEventFilter, $after: String) {
        auditEvents(filter: $filter, after: $after) { edges { node { orgId } } }
      }`;
      for (const injection of INJECTIONS) {
        for (const headers of [asA(), withKeyA()]) {
          for (const field of ['organization', 'user']) {
            const byVariable = await call(`query ($id: ID!) { ${field}(id: $id) { id } }`, { id: injection }, headers);
            assert.deepEqual(byVariable.body, { data: { [field]: null } }, `${field}(${injection})`);
            const inline = await call(`{ ${field}(id: ${JSON.stringify(injection)}) { id } }`, {}, headers);
            assert.deepEqual(inline.body, { data: { [field]: null } }, `${field}(${injection}) inline`);
          }
          for (const field of ['action', 'actorId', 'targetType', 'targetId', 'result']) {
            const { body } = await call(edgesQuery, { filter: { [field]: injection } }, headers);
            assert.deepEqual(body, { data: { auditEvents: { edges: [] } } }, `${field}: ${injection}`);
          }
          for (const field of ['since', 'until']) {
            const { body } = await call(edgesQuery, { filter: { [field]: injection } }, headers);
            clean(body, `${field}: ${injection}`);
          }
          for (const after of [injection, Buffer.from(injection, 'utf8').toString('base64url')]) {
            const { body } = await call(edgesQuery, { after }, headers);
            clean(body, `after: ${after}`);
            assert.equal(body.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
          }
        }
        for (const [mutation, variables] of [
          ['mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', { id: injection }],
          ['mutation ($id: ID!) { revokeInvitation(id: $id) { id } }', { id: injection }],
          ['mutation ($id: ID!) { changeMemberRole(userId: $id, role: VIEWER) { id } }', { id: injection }],
          ['mutation ($id: ID!) { removeMember(userId: $id) }', { id: injection }],
          ['mutation ($name: String!) { deleteSecret(name: $name) }', { name: injection }],
        ] as const) {
          const { body } = await call(mutation, variables, asA());
          clean(body, `${mutation} ${injection}`);
          assert.equal(body.data, null);
        }
        const header = await call('{ viewer { kind } }', undefined, as(ownerA.token, injection));
        assert.equal(header.response.status, 403, `x-aitip-org: ${injection}`);
      }
      assert.deepEqual(await countUsersTables(), counts);
      await assertOrgBIntact();
      // and org A's own objects are all still there
      const mine = await data<{ apiKeys: Array<{ id: string; revokedAt: string | null }>; secrets: unknown[] }>(
        '{ apiKeys { id revokedAt } secrets { name } invitations { id } members { role } }',
        undefined,
        asA(),
      );
      assert.deepEqual(mine, {
        apiKeys: [{ id: ofA.apiKeyId, revokedAt: null }],
        secrets: [{ name: ofA.secretName }],
        invitations: [{ id: ofA.invitationId }],
        members: [{ role: 'OWNER' }],
      });
    });
  });

  /** Checks through org B's own token and key that none of its objects changed. */
  async function assertOrgBIntact(): Promise<void> {
    const theirs = await data<{
      apiKeys: Array<{ id: string; revokedAt: string | null }>;
      invitations: Array<{ id: string; revokedAt: string | null }>;
      members: Array<{ user: { id: string }; role: string }>;
      secrets: Array<{ name: string }>;
    }>(
      '{ apiKeys { id revokedAt } invitations { id revokedAt } members { user { id } role } secrets { name } }',
      undefined,
      asB(),
    );
    assert.deepEqual(theirs.apiKeys, [{ id: ofB.apiKeyId, revokedAt: null }]);
    assert.deepEqual(theirs.invitations, [{ id: ofB.invitationId, revokedAt: null }]);
    assert.deepEqual(
      [...theirs.members].sort((x, y) => x.role.localeCompare(y.role)),
      [
        { user: { id: memberB.userId }, role: 'MEMBER' },
        { user: { id: ownerB.userId }, role: 'OWNER' },
      ],
    );
    assert.deepEqual(theirs.secrets, [{ name: ofB.secretName }]);
    const key = await data<{ viewer: { kind: string; organization: { id: string } } }>(
      '{ viewer { kind organization { id } } }',
      undefined,
      { authorization: `Bearer ${ofB.apiKey}` },
    );
    assert.deepEqual(key.viewer, { kind: 'service', organization: { id: ownerB.org.id } });
  }
});

/** Calls `check` until it returns true, for at most ten seconds (the audit queue is asynchronous). */
async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() >= deadline) assert.fail(`${what} did not arrive`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
