import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AUTH_REVOCATIONS_CHANNEL, type AuthRevocation, type Identity } from '@aitip/kit';
import {
  anonymous,
  createOrg,
  eventually,
  member,
  PASSWORD,
  randomEmail,
  signUpFirst,
  startUsers,
  systemCaller,
  type UsersHarness,
} from './support.js';

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id prefix scopes createdBy { id } } } }`;
const AUTH_KEY = `query($k: String!) { authApiKey(key: $k) { apiKeyId orgId userId scopes expiresAt } }`;
const AUDIT = `query($f: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $f, first: $first, after: $after) {
    edges { cursor node { id orgId actorKind actorId action targetType targetId result errorCode service clientIp createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('API keys, secrets and the audit log (PostgreSQL)', () => {
  let h: UsersHarness;
  let revocations: AuthRevocation[];
  let ownerId: string;
  let orgId: string;
  let owner: Identity;
  let memberIdentity: Identity;

  before(async () => {
    h = await startUsers('postgres', { AUTH_SIGNUP: 'open' });
    revocations = [];
    await h.resources.bus.subscribe(AUTH_REVOCATIONS_CHANNEL, (m) => revocations.push(m as AuthRevocation));
    ownerId = (await signUpFirst(h)).user.id;
    ({
      owner,
      org: { id: orgId },
    } = await createOrg(h, ownerId));
    const email = randomEmail('member');
    const invited = await h.ok(
      `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`,
      { input: { email, role: 'MEMBER' } },
      owner,
    );
    const signedUp = await h.ok(
      `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }`,
      { input: { email, password: PASSWORD, displayName: 'M', invitationToken: invited['inviteMember'].token } },
      anonymous(),
    );
    memberIdentity = member(signedUp['signUp'].user.id, orgId, 'member');
  });
  after(() => h.close());

  test('API keys: known scopes within your own, shown once, resolved by authApiKey, revocable', async () => {
    const unknownScope = await h.call(CREATE_KEY, { input: { name: 'ci', scopes: ['datasets:fly'] } }, memberIdentity);
    assert.equal(unknownScope.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.match(unknownScope.errors![0]!.message, /valid scopes are .*datasets:read/);
    const beyond = await h.call(CREATE_KEY, { input: { name: 'ci', scopes: ['members:write'] } }, memberIdentity);
    assert.equal(beyond.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const past = await h.call(
      CREATE_KEY,
      { input: { name: 'ci', scopes: ['datasets:read'], expiresAt: '2001-01-01T00:00:00Z' } },
      memberIdentity,
    );
    assert.equal(past.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');

    const created = (
      await h.ok(CREATE_KEY, { input: { name: 'ci', scopes: ['datasets:read', 'training:write'] } }, memberIdentity)
    )['createApiKey'];
    const secret = created.secret as string;
    assert.match(secret, /^aitip_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    assert.equal(secret.slice(6, 18), created.apiKey.prefix);
    assert.equal(created.apiKey.createdBy.id, memberIdentity.userId);

    const listed = await h.ok(`{ apiKeys { id name prefix scopes } }`, {}, owner);
    assert.ok(listed['apiKeys'].some((k: { id: string }) => k.id === created.apiKey.id));
    assert.ok(!JSON.stringify(listed).includes(secret.slice(19)));

    const principal = (await h.ok(AUTH_KEY, { k: secret }, systemCaller))['authApiKey'];
    assert.deepEqual(principal, {
      apiKeyId: created.apiKey.id,
      orgId,
      userId: memberIdentity.userId,
      scopes: ['datasets:read', 'training:write'],
      expiresAt: null,
    });
    const [row] = (await h.subgraph.db.query(`SELECT last_used_at FROM users.api_keys WHERE id = $1`, [
      created.apiKey.id,
    ])) as Array<{ last_used_at: Date | null }>;
    assert.ok(row!.last_used_at);
    assert.equal((await h.ok(AUTH_KEY, { k: secret.slice(0, -1) + 'x' }, systemCaller))['authApiKey'], null);
    assert.equal((await h.ok(AUTH_KEY, { k: 'aitip_nonsense' }, systemCaller))['authApiKey'], null);
    const notSystem = await h.call(AUTH_KEY, { k: secret }, owner);
    assert.equal(notSystem.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');

    // an API key acting: it sees itself in viewer, and cannot create keys without admin
    const asKey: Identity = {
      kind: 'service',
      apiKeyId: created.apiKey.id,
      userId: memberIdentity.userId,
      orgId,
      roles: [],
      scopes: ['datasets:read', 'keys:write'],
    };
    const viewer = await h.ok(`{ viewer { kind apiKey { id } user { id } } }`, {}, asKey);
    assert.deepEqual(viewer['viewer'], {
      kind: 'service',
      apiKey: { id: created.apiKey.id },
      user: { id: memberIdentity.userId },
    });
    const keyMakesKey = await h.call(CREATE_KEY, { input: { name: 'x', scopes: ['datasets:read'] } }, asKey);
    assert.equal(keyMakesKey.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');

    // members revoke only their own keys; admins any
    const ownersKey = (await h.ok(CREATE_KEY, { input: { name: 'owner', scopes: ['admin'] } }, owner))['createApiKey'];
    const notTheirs = await h.call(
      `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`,
      { id: ownersKey.apiKey.id },
      memberIdentity,
    );
    assert.equal(notTheirs.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const revoked = await h.ok(
      `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`,
      { id: created.apiKey.id },
      memberIdentity,
    );
    assert.ok(revoked['revokeApiKey'].revokedAt);
    await eventually(
      async () => revocations.find((r) => r.type === 'apiKey' && r.apiKeyId === created.apiKey.id),
      'the API key revocation',
    );
    assert.equal((await h.ok(AUTH_KEY, { k: secret }, systemCaller))['authApiKey'], null);

    await h.subgraph.db.query(`UPDATE users.api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      ownersKey.apiKey.id,
    ]);
    assert.equal((await h.ok(AUTH_KEY, { k: ownersKey.secret }, systemCaller))['authApiKey'], null);
  });

  test('workload keys: issued by the platform only, for a member, within their role, expiring, revocable', async () => {
    const ISSUE = `mutation($input: IssueWorkloadKeyInput!) {
      issueWorkloadKey(input: $input) { secret apiKey { id name scopes expiresAt createdBy { id } } }
    }`;
    const REVOKE = `mutation($id: ID!) { revokeWorkloadKey(id: $id) }`;
    const input = {
      name: 'training job 1 attempt 1',
      scopes: ['experiments:read', 'experiments:write'],
      ttlSeconds: 600,
    };
    const forMember: Identity = { ...systemCaller, orgId, userId: memberIdentity.userId! };

    const byMember = await h.call(ISSUE, { input }, memberIdentity);
    assert.equal(byMember.errors?.[0]?.extensions?.['code'], 'FORBIDDEN', 'a person cannot call it');
    const beyondRole = await h.call(ISSUE, { input: { ...input, scopes: ['members:write'] } }, forMember);
    assert.equal(beyondRole.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    assert.match(beyondRole.errors![0]!.message, /role member.*"members:write"/);
    const stranger = await h.call(ISSUE, { input }, { ...forMember, userId: '00000000-0000-4000-8000-000000000001' });
    assert.equal(stranger.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const forever = await h.call(ISSUE, { input: { ...input, ttlSeconds: 30 * 86_400 } }, forMember);
    assert.equal(forever.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');

    const before = Date.now();
    const issued = (await h.ok(ISSUE, { input }, forMember))['issueWorkloadKey'];
    assert.equal(issued.apiKey.name, 'training job 1 attempt 1');
    assert.deepEqual(issued.apiKey.scopes, ['experiments:read', 'experiments:write']);
    assert.equal(issued.apiKey.createdBy.id, memberIdentity.userId);
    const expires = Date.parse(issued.apiKey.expiresAt);
    assert.ok(expires >= before + 600_000 && expires <= Date.now() + 600_000, issued.apiKey.expiresAt);
    const principal = (await h.ok(AUTH_KEY, { k: issued.secret }, systemCaller))['authApiKey'];
    assert.equal(principal.orgId, orgId);
    assert.deepEqual(principal.scopes, ['experiments:read', 'experiments:write']);

    const notSystem = await h.call(REVOKE, { id: issued.apiKey.id }, owner);
    assert.equal(notSystem.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const otherOrg = await h.ok(REVOKE, { id: issued.apiKey.id }, { ...systemCaller, orgId: randomUUID() });
    assert.equal(otherOrg['revokeWorkloadKey'], false, "another organization's platform call cannot reach it");
    assert.equal((await h.ok(REVOKE, { id: issued.apiKey.id }, forMember))['revokeWorkloadKey'], true);
    await eventually(
      async () => revocations.find((r) => r.type === 'apiKey' && r.apiKeyId === issued.apiKey.id),
      'the workload key revocation',
    );
    assert.equal((await h.ok(AUTH_KEY, { k: issued.secret }, systemCaller))['authApiKey'], null);
    const audited = await h.ok(AUDIT, { f: { action: 'apiKey.issueWorkload' } }, owner);
    assert.equal(audited['auditEvents'].edges[0]?.node.targetId, issued.apiKey.id);
  });

  test('secrets: the value never comes back, is stored encrypted, revealed to the platform, tamper-evident', async () => {
    const value = 'hf_super-secret-value-' + 'x'.repeat(20);
    const set = await h.call(
      `mutation($v: String!) { setSecret(name: "HF_TOKEN", value: $v) { id name orgId createdAt updatedAt } }`,
      { v: value },
      owner,
    );
    assert.ok(!JSON.stringify(set).includes(value));
    const listed = await h.call(`{ secrets { id name } }`, {}, memberIdentity);
    assert.deepEqual(
      listed.data?.['secrets'].map((s: { name: string }) => s.name),
      ['HF_TOKEN'],
    );
    const badName = await h.call(`mutation { setSecret(name: "no spaces", value: "x") { id } }`, {}, owner);
    assert.equal(badName.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    const tooBig = await h.call(
      `mutation($v: String!) { setSecret(name: "BIG", value: $v) { id } }`,
      { v: 'x'.repeat(64 * 1024 + 1) },
      owner,
    );
    assert.equal(tooBig.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    const memberSets = await h.call(`mutation { setSecret(name: "X", value: "y") { id } }`, {}, memberIdentity);
    assert.equal(memberSets.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');

    const [row] = (await h.subgraph.db.query(
      `SELECT ciphertext, iv, auth_tag FROM users.secrets WHERE name = 'HF_TOKEN'`,
    )) as Array<{
      ciphertext: Buffer;
      iv: Buffer;
      auth_tag: Buffer;
    }>;
    assert.ok(!row!.ciphertext.toString('utf8').includes('super-secret'));
    assert.equal(row!.iv.length, 12);
    assert.equal(row!.auth_tag.length, 16);

    const reveal = `query($o: ID!) { orgSecretValue(orgId: $o, name: "HF_TOKEN") }`;
    assert.equal((await h.ok(reveal, { o: orgId }, systemCaller))['orgSecretValue'], value);
    const notSystem = await h.call(reveal, { o: orgId }, owner);
    assert.equal(notSystem.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');

    await h.ok(`mutation { setSecret(name: "HF_TOKEN", value: "second value") { id } }`, {}, owner);
    assert.equal((await h.ok(reveal, { o: orgId }, systemCaller))['orgSecretValue'], 'second value');

    // another secret's sealed value copied over this one's does not decrypt as this one
    await h.ok(`mutation { setSecret(name: "OTHER_TOKEN", value: "other value") { id } }`, {}, owner);
    await h.subgraph.db.query(
      `UPDATE users.secrets AS s SET iv = o.iv, auth_tag = o.auth_tag, ciphertext = o.ciphertext
         FROM users.secrets AS o WHERE s.name = 'HF_TOKEN' AND o.name = 'OTHER_TOKEN' AND o.org_id = s.org_id`,
    );
    const swapped = await h.call(reveal, { o: orgId }, systemCaller);
    assert.equal(swapped.errors?.[0]?.extensions?.['code'], 'INTERNAL');
    assert.ok(!JSON.stringify(swapped).includes('other value'));
    await h.ok(`mutation { setSecret(name: "HF_TOKEN", value: "second value") { id } }`, {}, owner);
    await h.ok(`mutation { deleteSecret(name: "OTHER_TOKEN") }`, {}, owner);

    await h.subgraph.db.query(
      `UPDATE users.secrets SET ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 1) WHERE name = 'HF_TOKEN'`,
    );
    const tampered = await h.call(reveal, { o: orgId }, systemCaller);
    assert.equal(tampered.errors?.[0]?.extensions?.['code'], 'INTERNAL');
    assert.ok(!JSON.stringify(tampered).includes('second value'));

    assert.equal((await h.ok(`mutation { deleteSecret(name: "HF_TOKEN") }`, {}, owner))['deleteSecret'], true);
    const gone = await h.call(`mutation { deleteSecret(name: "HF_TOKEN") }`, {}, owner);
    assert.equal(gone.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
    assert.equal((await h.ok(reveal, { o: orgId }, systemCaller))['orgSecretValue'], null);
  });

  test('audit: mutations are recorded, filtered and paged newest first; the log is append-only', async () => {
    await h.ok(`mutation { setSecret(name: "AUDITED", value: "v") { id } }`, {}, owner);
    await h.call(`mutation { deleteSecret(name: "MISSING") }`, {}, owner);
    const events = await eventually(async () => {
      const page = await h.ok(AUDIT, { f: { action: 'secret.delete', result: 'failure' } }, owner);
      return page['auditEvents'].edges.length ? page['auditEvents'].edges : undefined;
    }, 'the failed deleteSecret audit event');
    assert.equal(events[0].node.action, 'secret.delete');
    assert.equal(events[0].node.targetType, 'Secret');
    assert.equal(events[0].node.result, 'failure');
    assert.equal(events[0].node.errorCode, 'NOT_FOUND');
    assert.equal(events[0].node.service, 'users');
    assert.equal(events[0].node.actorId, ownerId);
    assert.equal(events[0].node.clientIp, owner.clientIp);

    // organization.create, member.invite, apiKey.create ... are all there; page through them two at a time
    const all = (await h.ok(AUDIT, { first: 200 }, owner))['auditEvents'].edges.map(
      (e: { node: { id: string; action: string } }) => e.node,
    );
    const actions = new Set(all.map((e: { action: string }) => e.action));
    for (const action of ['organization.create', 'member.invite', 'apiKey.create', 'apiKey.revoke', 'secret.set']) {
      assert.ok(actions.has(action), `${action} in ${[...actions].join(', ')}`);
    }
    const ids = all.map((e: { id: string }) => Number(e.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = (await h.ok(AUDIT, { first: 2, after }, owner))['auditEvents'];
      paged.push(...page.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    assert.deepEqual(
      paged,
      all.map((e: { id: string }) => e.id),
    );

    const onlySecretSets = (await h.ok(AUDIT, { f: { action: 'secret.set', result: 'success' } }, owner))['auditEvents']
      .edges;
    assert.ok(
      onlySecretSets.length >= 1 &&
        onlySecretSets.every((e: { node: { action: string } }) => e.node.action === 'secret.set'),
    );
    const future = (await h.ok(AUDIT, { f: { since: new Date(Date.now() + 3600_000).toISOString() } }, owner))[
      'auditEvents'
    ];
    assert.deepEqual(future.edges, []);

    for (const first of [0, 201]) {
      const answer = await h.call(AUDIT, { first }, owner);
      assert.equal(answer.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    }
    const badCursor = await h.call(AUDIT, { after: 'not-a-cursor' }, owner);
    assert.equal(badCursor.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    const memberReads = await h.call(AUDIT, {}, memberIdentity);
    assert.equal(memberReads.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');

    // sign-up and log-in are recorded with the organization when there is one
    await eventually(async () => {
      const page = await h.ok(AUDIT, { f: { action: 'user.signUp' } }, owner);
      return page['auditEvents'].edges.length ? true : undefined;
    }, 'the invited sign-up in the organization log');

    // append-only, for the owner connection and the tenant role alike
    await assert.rejects(h.subgraph.db.query(`UPDATE users.audit_events SET action = 'x'`), /append-only/);
    await assert.rejects(h.subgraph.db.query(`DELETE FROM users.audit_events`), /append-only/);
    await assert.rejects(
      h.subgraph.db.transaction(async (m) => {
        await m.query(`SELECT set_config('role', 'aitip_tenant', true), set_config('app.org_id', $1, true)`, [orgId]);
        await m.query(`DELETE FROM users.audit_events WHERE org_id = $1`, [orgId]);
      }),
      /permission denied/,
    );
  });
});
