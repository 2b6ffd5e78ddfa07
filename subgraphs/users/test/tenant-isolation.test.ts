import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inTenant, signIdentity, IDENTITY_HEADER, type Identity } from '@aitip/kit';
import {
  anonymous,
  createOrg,
  eventually,
  PASSWORD,
  randomEmail,
  signUpFirst,
  startUsers,
  systemCaller,
  type DatabaseKind,
  type UsersHarness,
} from './support.js';

const INJECTIONS = [`' OR 1=1 --`, `"; DROP TABLE users.users; --`];
const TENANT_TABLES = ['memberships', 'invitations', 'api_keys', 'secrets', 'audit_events'];

for (const kind of ['postgres', 'pglite'] as DatabaseKind[]) {
  describe(`tenant isolation (${kind})`, () => {
    let h: UsersHarness;
    let a: { orgId: string; ownerId: string; owner: Identity };
    let b: {
      orgId: string;
      ownerId: string;
      owner: Identity;
      memberId: string;
      invitationId: string;
      apiKeyId: string;
    };

    before(async () => {
      h = await startUsers(kind, { AUTH_SIGNUP: 'open' });
      const aOwner = (await signUpFirst(h)).user.id;
      const aOrg = await createOrg(h, aOwner);
      a = { orgId: aOrg.org.id, ownerId: aOwner, owner: aOrg.owner };

      const bOwner = (
        await h.ok(
          `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }`,
          { input: { email: randomEmail('b-owner'), password: PASSWORD, displayName: 'B' } },
          anonymous(),
        )
      )['signUp'].user.id as string;
      const bOrg = await createOrg(h, bOwner);
      const memberEmail = randomEmail('b-member');
      const invited = await h.ok(
        `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`,
        { input: { email: memberEmail, role: 'MEMBER' } },
        bOrg.owner,
      );
      const memberId = (
        await h.ok(
          `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }`,
          {
            input: {
              email: memberEmail,
              password: PASSWORD,
              displayName: 'BM',
              invitationToken: invited['inviteMember'].token,
            },
          },
          anonymous(),
        )
      )['signUp'].user.id as string;
      const pending = await h.ok(
        `mutation { inviteMember(input: { email: "pending@example.com", role: VIEWER }) { invitation { id } } }`,
        {},
        bOrg.owner,
      );
      const key = await h.ok(
        `mutation { createApiKey(input: { name: "b-key", scopes: ["datasets:read"] }) { apiKey { id } } }`,
        {},
        bOrg.owner,
      );
      await h.ok(`mutation { setSecret(name: "B_SECRET", value: "b's value") { id } }`, {}, bOrg.owner);
      b = {
        orgId: bOrg.org.id,
        ownerId: bOwner,
        owner: bOrg.owner,
        memberId,
        invitationId: pending['inviteMember'].invitation.id,
        apiKeyId: key['createApiKey'].apiKey.id,
      };
      await eventually(async () => {
        const events = await h.ok(`{ auditEvents { edges { node { id } } } }`, {}, b.owner);
        return events['auditEvents'].edges.length >= 4 ? true : undefined;
      }, "B's audit events");
    });
    after(() => h.close());

    test("a member of A reads none of B's rows through root fields", async () => {
      const data = await h.ok(
        `query($b: ID!, $bo: ID!) {
          members { user { id } orgId }
          invitations { id orgId }
          apiKeys { id orgId }
          secrets { name orgId }
          auditEvents(first: 200) { edges { node { orgId actorId } } }
          organization(id: $b) { id }
          user(id: $bo) { id }
          myOrganizations { organization { id } }
        }`,
        { b: b.orgId, bo: b.ownerId },
        a.owner,
      );
      const text = JSON.stringify(data);
      for (const id of [b.orgId, b.ownerId, b.memberId, b.invitationId, b.apiKeyId, 'B_SECRET']) {
        assert.ok(!text.includes(id), `${id} leaked: ${text}`);
      }
      assert.equal(data['organization'], null);
      assert.equal(data['user'], null);
      assert.deepEqual(
        data['members'].map((m: { user: { id: string } }) => m.user.id),
        [a.ownerId],
      );
    });

    test("a member of A cannot resolve B's entities through _entities", async () => {
      const data = await h.ok(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email } ... on Organization { id slug } } }`,
        {
          r: [
            { __typename: 'User', id: b.ownerId },
            { __typename: 'User', id: b.memberId },
            { __typename: 'Organization', id: b.orgId },
            { __typename: 'User', id: a.ownerId },
            { __typename: 'Organization', id: a.orgId },
          ],
        },
        a.owner,
      );
      assert.deepEqual(
        data['_entities'].map((e: { id: string } | null) => e?.id ?? null),
        [null, null, null, a.ownerId, a.orgId],
      );
      // B's own owner sees B's member
      const own = await h.ok(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }`,
        { r: [{ __typename: 'User', id: b.memberId }] },
        b.owner,
      );
      assert.equal(own['_entities'][0].id, b.memberId);
    });

    test("a member of A cannot change B's rows", async () => {
      const attempts: Array<[string, Record<string, unknown>]> = [
        [`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: b.apiKeyId }],
        [`mutation($id: ID!) { revokeInvitation(id: $id) { id } }`, { id: b.invitationId }],
        [`mutation($u: ID!) { changeMemberRole(userId: $u, role: VIEWER) { role } }`, { u: b.memberId }],
        [`mutation($u: ID!) { removeMember(userId: $u) }`, { u: b.memberId }],
        [`mutation { deleteSecret(name: "B_SECRET") }`, {}],
      ];
      for (const [query, variables] of attempts) {
        const answer = await h.call(query, variables, a.owner);
        assert.equal(answer.errors?.[0]?.extensions?.['code'], 'NOT_FOUND', query);
      }
      const bView = await h.ok(
        `{ members { role user { id } } apiKeys { revokedAt } secrets { name } invitations { id } }`,
        {},
        b.owner,
      );
      assert.equal(bView['members'].length, 2);
      assert.ok(bView['members'].every((m: { role: string }) => m.role !== 'VIEWER'));
      assert.equal(bView['apiKeys'][0].revokedAt, null);
      assert.deepEqual(bView['secrets'], [{ name: 'B_SECRET' }]);
      assert.ok(bView['invitations'].some((i: { id: string }) => i.id === b.invitationId));
      // and secrets set in A with B's names stay in A
      await h.ok(`mutation { setSecret(name: "B_SECRET", value: "a's value") { id } }`, {}, a.owner);
      const reveal = `query($o: ID!) { orgSecretValue(orgId: $o, name: "B_SECRET") }`;
      assert.equal((await h.ok(reveal, { o: b.orgId }, systemCaller))['orgSecretValue'], "b's value");
      assert.equal((await h.ok(reveal, { o: a.orgId }, systemCaller))['orgSecretValue'], "a's value");
    });

    test('row-level security hides other tenants even from a query without an org filter', async () => {
      for (const table of TENANT_TABLES) {
        const rows = (await inTenant(h.subgraph.db, a.orgId, (m) =>
          m.query(`SELECT org_id FROM users.${table}`),
        )) as Array<{ org_id: string }>;
        assert.ok(
          rows.every((r) => r.org_id === a.orgId),
          `${table} showed another tenant's rows`,
        );
        const none = (await inTenant(h.subgraph.db, undefined, (m) =>
          m.query(`SELECT org_id FROM users.${table}`),
        )) as unknown[];
        assert.equal(none.length, 0, `${table} without a tenant`);
      }
      await assert.rejects(
        inTenant(h.subgraph.db, a.orgId, (m) =>
          m.query(
            `INSERT INTO users.secrets (org_id, name, iv, auth_tag, ciphertext) VALUES ($1, 'X', '\\x00', '\\x00', '\\x00')`,
            [b.orgId],
          ),
        ),
        /row-level security/,
      );
    });

    test('calls without a valid router identity are refused with 401', async () => {
      const unsigned = await h.call(`{ members { id } }`, {}, undefined);
      assert.equal(unsigned.status, 401);
      assert.equal(unsigned.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
      const forged = await fetch(h.subgraph.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IDENTITY_HEADER]: signIdentity({ ...b.owner }, 'not-the-internal-secret-not-the-internal-secret'),
        },
        body: JSON.stringify({ query: '{ members { id } }' }),
      });
      assert.equal(forged.status, 401);
    });

    test('SQL-injection-shaped arguments are plain values', async () => {
      for (const evil of INJECTIONS) {
        const filter = { action: evil, actorId: evil, targetType: evil, targetId: evil, result: evil };
        for (const [field, value] of Object.entries(filter)) {
          const page = await h.ok(
            `query($f: AuditEventFilter) { auditEvents(filter: $f) { edges { node { id } } } }`,
            { f: { [field]: value } },
            a.owner,
          );
          assert.deepEqual(page['auditEvents'].edges, [], field);
        }
        const data = await h.ok(
          `query($e: ID!, $s: String!) {
            user(id: $e) { id }
            organization(id: $e) { id }
            authMembership(userId: $e, org: $s) { orgId }
            authMembershipBySlug: authMembership(userId: "${a.ownerId}", org: $s) { orgId }
            authApiKey(key: $s) { apiKeyId }
            orgSecretValue(orgId: $e, name: $s)
          }`,
          { e: evil, s: evil },
          { ...systemCaller, orgId: a.orgId },
        );
        assert.deepEqual(data, {
          user: null,
          organization: null,
          authMembership: null,
          authMembershipBySlug: null,
          authApiKey: null,
          orgSecretValue: null,
        });
        const cursor = await h.call(
          `query($a: String) { auditEvents(after: $a) { edges { cursor } } }`,
          { a: Buffer.from(evil).toString('base64url') },
          a.owner,
        );
        assert.equal(cursor.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
        for (const [query, variables] of [
          [`mutation($n: String!) { deleteSecret(name: $n) }`, { n: evil }],
          [`mutation($n: String!) { setSecret(name: $n, value: "v") { id } }`, { n: evil }],
          [`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: evil }],
          [`mutation($id: ID!) { revokeInvitation(id: $id) { id } }`, { id: evil }],
          [`mutation($id: ID!) { removeMember(userId: $id) }`, { id: evil }],
          [`mutation($e: String!) { inviteMember(input: { email: $e, role: VIEWER }) { token } }`, { e: evil }],
          [`mutation($s: String!) { createOrganization(input: { name: "x", slug: $s }) { id } }`, { s: evil }],
          [`mutation($t: String!) { acceptInvitation(token: $t) { id } }`, { t: evil }],
        ] as Array<[string, Record<string, unknown>]>) {
          const answer = await h.call(query, variables, a.owner);
          const code = answer.errors?.[0]?.extensions?.['code'];
          assert.ok(code === 'BAD_USER_INPUT' || code === 'NOT_FOUND' || code === 'FORBIDDEN', `${query}: ${code}`);
        }
        const logIn = await h.call(
          `mutation($e: String!) { logIn(email: $e, password: $e) { accessToken } }`,
          { e: evil },
          anonymous(),
        );
        assert.equal(logIn.errors?.[0]?.message, 'Wrong e-mail or password.');
        const refresh = await h.call(
          `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`,
          { t: evil },
          anonymous(),
        );
        assert.equal(refresh.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
      }
      const [count] = (await h.subgraph.db.query(`SELECT count(*)::int AS n FROM users.users`)) as Array<{ n: number }>;
      assert.ok(count!.n >= 3);
    });
  });
}
