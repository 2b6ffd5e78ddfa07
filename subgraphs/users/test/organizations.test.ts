import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
  type UsersHarness,
} from './support.js';

const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token invitation { id email role expiresAt } } }`;
const ACCEPT = `mutation($t: String!) { acceptInvitation(token: $t) { id orgId role user { id } } }`;
const CHANGE_ROLE = `mutation($u: ID!, $r: Role!) { changeMemberRole(userId: $u, role: $r) { role user { id } } }`;

describe('organizations, invitations and roles (PostgreSQL)', () => {
  let h: UsersHarness;
  let revocations: AuthRevocation[];
  let ownerId: string;
  let orgId: string;
  let owner: Identity;

  before(async () => {
    h = await startUsers('postgres', { AUTH_SIGNUP: 'open' });
    revocations = [];
    await h.resources.bus.subscribe(AUTH_REVOCATIONS_CHANNEL, (m) => revocations.push(m as AuthRevocation));
    ownerId = (await signUpFirst(h)).user.id;
    const created = await createOrg(h, ownerId, 'Acme Research!');
    orgId = created.org.id;
    owner = created.owner;
    assert.equal(created.org.slug, 'acme-research');
  });
  after(() => h.close());

  /** Signs up an account (open sign-up) and returns its id. */
  async function account(email = randomEmail()) {
    const data = await h.ok(
      `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }`,
      { input: { email, password: PASSWORD, displayName: 'Someone' } },
      anonymous(),
    );
    return { id: data['signUp'].user.id as string, email };
  }

  /** Invites an account with `role` and accepts; returns its identity in the organization. */
  async function join(role: 'OWNER' | 'ADMIN' | 'MEMBER' | 'VIEWER') {
    const person = await account();
    const invited = await h.ok(INVITE, { input: { email: person.email, role } }, owner);
    await h.ok(ACCEPT, { t: invited['inviteMember'].token }, member(person.id, undefined));
    return { ...person, identity: member(person.id, orgId, role.toLowerCase() as 'owner') };
  }

  test('slugs: derived from the name, taken ones answer CONFLICT with a suggestion, bad ones are refused', async () => {
    const taken = await h.call(
      `mutation { createOrganization(input: { name: "Acme", slug: "acme-research" }) { id } }`,
      {},
      member(ownerId, undefined),
    );
    assert.equal(taken.errors?.[0]?.extensions?.['code'], 'CONFLICT');
    assert.match(taken.errors![0]!.message, /try "acme-research-2"/);
    const bad = await h.call(
      `mutation { createOrganization(input: { name: "Acme", slug: "A!" }) { id } }`,
      {},
      member(ownerId, undefined),
    );
    assert.equal(bad.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    const second = await createOrg(h, ownerId, 'Acme Research');
    assert.equal(second.org.slug, 'acme-research-2');

    const mine = await h.ok(`{ myOrganizations { role organization { id slug } } }`, {}, member(ownerId, undefined));
    assert.deepEqual(
      mine['myOrganizations'].map((m: { organization: { slug: string } }) => m.organization.slug),
      ['acme-research', 'acme-research-2'],
    );
    assert.equal(mine['myOrganizations'][0].role, 'OWNER');
    await eventually(
      async () => revocations.find((r) => r.type === 'membership' && r.orgId === second.org.id),
      'the membership announcement',
    );
  });

  test('invitations: accepted only by the invited e-mail, once, unless revoked', async () => {
    const person = await account();
    const stranger = await account();
    const invited = await h.ok(INVITE, { input: { email: person.email.toUpperCase(), role: 'MEMBER' } }, owner);
    assert.equal(invited['inviteMember'].invitation.email, person.email);
    const token = invited['inviteMember'].token as string;

    const pending = await h.ok(`{ invitations { id email } }`, {}, owner);
    assert.ok(pending['invitations'].some((i: { email: string }) => i.email === person.email));
    assert.ok(!JSON.stringify(pending).includes(token));

    const wrongPerson = await h.call(ACCEPT, { t: token }, member(stranger.id, undefined));
    assert.equal(wrongPerson.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    assert.match(wrongPerson.errors![0]!.message, new RegExp(`for ${person.email}`));

    const accepted = await h.ok(ACCEPT, { t: token }, member(person.id, undefined));
    assert.equal(accepted['acceptInvitation'].orgId, orgId);
    assert.equal(accepted['acceptInvitation'].role, 'MEMBER');
    await eventually(
      async () => revocations.find((r) => r.type === 'membership' && r.userId === person.id && r.orgId === orgId),
      'the membership announcement',
    );
    const reused = await h.call(ACCEPT, { t: token }, member(person.id, undefined));
    assert.equal(reused.errors?.[0]?.extensions?.['code'], 'CONFLICT');

    const revokedInvite = await h.ok(INVITE, { input: { email: stranger.email, role: 'VIEWER' } }, owner);
    const revoked = await h.ok(
      `mutation($id: ID!) { revokeInvitation(id: $id) { revokedAt } }`,
      { id: revokedInvite['inviteMember'].invitation.id },
      owner,
    );
    assert.ok(revoked['revokeInvitation'].revokedAt);
    const refused = await h.call(ACCEPT, { t: revokedInvite['inviteMember'].token }, member(stranger.id, undefined));
    assert.equal(refused.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    assert.match(refused.errors![0]!.message, /revoked/);

    const expiring = await h.ok(INVITE, { input: { email: stranger.email, role: 'VIEWER' } }, owner);
    await h.subgraph.db.query(`UPDATE users.invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      expiring['inviteMember'].invitation.id,
    ]);
    const expired = await h.call(ACCEPT, { t: expiring['inviteMember'].token }, member(stranger.id, undefined));
    assert.equal(expired.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    assert.match(expired.errors![0]!.message, /expired/);

    const unknown = await h.call(ACCEPT, { t: 'aitipi_nope' }, member(stranger.id, undefined));
    assert.equal(unknown.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
  });

  test('roles: only owners make owners, the last owner stays, viewers cannot write', async () => {
    const admin = await join('ADMIN');
    const viewer = await join('VIEWER');

    const adminInvitesOwner = await h.call(INVITE, { input: { email: randomEmail(), role: 'OWNER' } }, admin.identity);
    assert.equal(adminInvitesOwner.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const adminMakesOwner = await h.call(CHANGE_ROLE, { u: viewer.id, r: 'OWNER' }, admin.identity);
    assert.equal(adminMakesOwner.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const adminDemotesOwner = await h.call(CHANGE_ROLE, { u: ownerId, r: 'MEMBER' }, admin.identity);
    assert.equal(adminDemotesOwner.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    const promoted = await h.ok(CHANGE_ROLE, { u: viewer.id, r: 'MEMBER' }, admin.identity);
    assert.equal(promoted['changeMemberRole'].role, 'MEMBER');

    const viewerWrites = await h.call(INVITE, { input: { email: randomEmail(), role: 'VIEWER' } }, viewer.identity);
    assert.equal(viewerWrites.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');

    const lastOwnerDemoted = await h.call(CHANGE_ROLE, { u: ownerId, r: 'ADMIN' }, owner);
    assert.equal(lastOwnerDemoted.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    assert.match(lastOwnerDemoted.errors![0]!.message, /Make another member an owner first\./);
    const lastOwnerLeaves = await h.call(`mutation { leaveOrganization }`, {}, owner);
    assert.match(lastOwnerLeaves.errors![0]!.message, /Make another member an owner first\./);
    const lastOwnerRemoved = await h.call(`mutation($u: ID!) { removeMember(userId: $u) }`, { u: ownerId }, owner);
    assert.equal(lastOwnerRemoved.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');

    // with a second owner the first may step down and leave
    await h.ok(CHANGE_ROLE, { u: admin.id, r: 'OWNER' }, owner);
    const secondOwner = member(admin.id, orgId, 'owner');
    await h.ok(CHANGE_ROLE, { u: ownerId, r: 'ADMIN' }, secondOwner);
    await h.ok(CHANGE_ROLE, { u: ownerId, r: 'OWNER' }, secondOwner);

    const removed = await h.ok(`mutation($u: ID!) { removeMember(userId: $u) }`, { u: viewer.id }, secondOwner);
    assert.equal(removed['removeMember'], true);
    await eventually(
      async () => revocations.find((r) => r.type === 'membership' && r.userId === viewer.id),
      'the removal announcement',
    );
    const members = await h.ok(`{ members { role user { id } } }`, {}, owner);
    assert.ok(!members['members'].some((m: { user: { id: string } }) => m.user.id === viewer.id));

    const leaver = await join('MEMBER');
    assert.equal((await h.ok(`mutation { leaveOrganization }`, {}, leaver.identity))['leaveOrganization'], true);
  });

  test('viewer, user and organization show the caller and their active organization', async () => {
    const anon = await h.ok(`{ viewer { kind user { id } scopes } }`, {}, anonymous());
    assert.deepEqual(anon['viewer'], { kind: 'anonymous', user: null, scopes: [] });
    const me = await h.ok(`{ viewer { kind role user { id } organization { id } } }`, {}, owner);
    assert.deepEqual(me['viewer'], { kind: 'user', role: 'OWNER', user: { id: ownerId }, organization: { id: orgId } });
    const org = await h.ok(`query($id: ID!) { organization(id: $id) { slug } }`, { id: orgId }, owner);
    assert.equal(org['organization'].slug, 'acme-research');
    const self = await h.ok(`query($id: ID!) { user(id: $id) { id } }`, { id: ownerId }, owner);
    assert.equal(self['user'].id, ownerId);
  });
});
