import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AUTH_REVOCATIONS_CHANNEL, verifyAccessToken, type AuthRevocation } from '@aitip/kit';
import {
  anonymous,
  createOrg,
  eventually,
  PASSWORD,
  randomEmail,
  randomIp,
  SESSION_FIELDS,
  signUpFirst,
  startUsers,
  type UsersHarness,
} from './support.js';

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { ${SESSION_FIELDS} } }`;
const LOG_IN = `mutation($email: String!, $password: String!) { logIn(email: $email, password: $password) { ${SESSION_FIELDS} } }`;
const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { ${SESSION_FIELDS} } }`;
const LOG_OUT = `mutation($t: String!) { logOut(refreshToken: $t) }`;

describe('sessions (PostgreSQL, Redis)', () => {
  let h: UsersHarness;
  let revocations: AuthRevocation[];
  let unsubscribe: () => Promise<void>;

  before(async () => {
    h = await startUsers('postgres');
    revocations = [];
    unsubscribe = await h.resources.bus.subscribe(AUTH_REVOCATIONS_CHANNEL, (m) =>
      revocations.push(m as AuthRevocation),
    );
  });
  after(async () => {
    await unsubscribe();
    await h.close();
  });

  test('first run: no account without the setup token, the token works once and makes an instance admin', async () => {
    const file = join(h.dataDir, 'setup-token');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const token = readFileSync(file, 'utf8').trim();
    assert.match(token, /^aitips_[A-Za-z0-9_-]{43}$/);

    const refused = await h.call(
      SIGN_UP,
      { input: { email: randomEmail(), password: PASSWORD, displayName: 'Early' } },
      anonymous(),
    );
    assert.equal(refused.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    assert.match(refused.errors![0]!.message, /setup-token/);

    const first = await signUpFirst(h, '  Admin-First@Example.COM ');
    assert.equal(first.user.email, 'admin-first@example.com');
    const admin = (await h.subgraph.db.query(`SELECT is_instance_admin FROM users.users WHERE id = $1`, [
      first.user.id,
    ])) as Array<{ is_instance_admin: boolean }>;
    assert.equal(admin[0]!.is_instance_admin, true);

    const again = await h.call(
      SIGN_UP,
      { input: { email: randomEmail(), password: PASSWORD, displayName: 'Second', setupToken: token } },
      anonymous(),
    );
    assert.equal(again.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    assert.match(again.errors![0]!.message, /already set up/);
  });

  test('sign-up follows AUTH_SIGNUP=invite: refused without an invitation, accepted with one', async () => {
    const owner = await logIn(h, 'admin-first@example.com');
    const { owner: ownerIdentity, org } = await createOrg(h, owner.user.id);
    const email = randomEmail('invitee');
    const refused = await h.call(
      SIGN_UP,
      { input: { email, password: PASSWORD, displayName: 'Invitee' } },
      anonymous(),
    );
    assert.equal(refused.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    assert.match(refused.errors![0]!.message, /invitation/);

    const invited = await h.ok(
      `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token invitation { id role } } }`,
      { input: { email, role: 'MEMBER' } },
      ownerIdentity,
    );
    const token = invited['inviteMember'].token as string;
    assert.match(token, /^aitipi_/);

    const wrongEmail = await h.call(
      SIGN_UP,
      { input: { email: randomEmail(), password: PASSWORD, displayName: 'Other', invitationToken: token } },
      anonymous(),
    );
    assert.equal(wrongEmail.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');

    const signedUp = await h.ok(
      SIGN_UP,
      { input: { email: email.toUpperCase(), password: PASSWORD, displayName: 'Invitee', invitationToken: token } },
      anonymous(),
    );
    assert.equal(signedUp['signUp'].organization.id, org.id);
    await eventually(
      async () =>
        revocations.find(
          (r) => r.type === 'membership' && r.orgId === org.id && r.userId === signedUp['signUp'].user.id,
        ),
      'the membership announcement',
    );

    const duplicate = await h.call(
      SIGN_UP,
      { input: { email, password: PASSWORD, displayName: 'Again', invitationToken: token } },
      anonymous(),
    );
    assert.equal(duplicate.errors?.[0]?.extensions?.['code'], 'CONFLICT');
    assert.equal(duplicate.errors?.[0]?.message, 'An account with this e-mail already exists; sign in instead.');
  });

  test('sign-up validates e-mail, password and display name', async () => {
    const cases = [
      { email: 'not-an-email', password: PASSWORD, displayName: 'X' },
      { email: randomEmail(), password: 'short', displayName: 'X' },
      { email: randomEmail(), password: PASSWORD, displayName: '   ' },
    ];
    for (const input of cases) {
      const answer = await h.call(SIGN_UP, { input }, anonymous());
      assert.equal(answer.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT', JSON.stringify(input));
    }
    const short = await h.call(SIGN_UP, { input: cases[1] }, anonymous());
    assert.match(short.errors![0]!.message, /at least 10 characters/);
  });

  test('log-in answers the same for an unknown account and a wrong password', async () => {
    const unknown = await h.call(LOG_IN, { email: randomEmail('nobody'), password: PASSWORD }, anonymous());
    const wrong = await h.call(LOG_IN, { email: 'admin-first@example.com', password: 'wrong password!' }, anonymous());
    assert.deepEqual(unknown.errors?.[0]?.extensions, { code: 'UNAUTHENTICATED' });
    assert.deepEqual(wrong.errors?.[0]?.extensions, { code: 'UNAUTHENTICATED' });
    assert.equal(unknown.errors?.[0]?.message, 'Wrong e-mail or password.');
    assert.equal(wrong.errors?.[0]?.message, 'Wrong e-mail or password.');

    const session = await logIn(h, ' ADMIN-first@example.com ');
    const claims = await verifyAccessToken(session.accessToken, h.resources.keys.tokenSecret);
    assert.equal(claims.sub, session.user.id);
    assert.equal(claims.org, session.organization?.id);
    assert.ok(claims.exp - claims.iat === 900);
  });

  test('repeated failures are throttled per account and per address; others are unaffected', async () => {
    const victim = await openSignUp(h);
    const attackerIp = randomIp();
    for (let i = 0; i < 5; i++) {
      const answer = await h.call(LOG_IN, { email: victim, password: `guess number ${i}` }, anonymous(attackerIp));
      assert.equal(answer.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
    }
    const limited = await h.call(LOG_IN, { email: victim, password: PASSWORD }, anonymous(randomIp()));
    assert.equal(limited.errors?.[0]?.extensions?.['code'], 'RATE_LIMITED');
    const retryAfter = limited.errors?.[0]?.extensions?.['retryAfterSeconds'] as number;
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0);
    assert.equal(limited.errors?.[0]?.message, `Too many failed sign-in attempts; try again in ${retryAfter} seconds.`);

    // another account from another address signs in as usual
    const other = await openSignUp(h);
    const fine = await h.call(LOG_IN, { email: other, password: PASSWORD }, anonymous(randomIp()));
    assert.equal(fine.errors, undefined);

    // one address guessing many accounts is slowed down too
    const sprayIp = randomIp();
    let refused: Record<string, unknown> | undefined;
    for (let i = 0; i < 31 && !refused; i++) {
      const answer = await h.call(
        LOG_IN,
        { email: randomEmail('spray'), password: 'wrong password' },
        anonymous(sprayIp),
      );
      if (answer.errors?.[0]?.extensions?.['code'] === 'RATE_LIMITED') refused = answer.errors[0].extensions;
    }
    assert.ok(refused, 'the address was throttled');
    const fromOtherIp = await h.call(LOG_IN, { email: other, password: PASSWORD }, anonymous(randomIp()));
    assert.equal(fromOtherIp.errors, undefined);
  });

  test('refresh rotates; reusing a used token ends the whole session and announces it', async () => {
    const session = await logIn(h, 'admin-first@example.com');
    const sid = (await verifyAccessToken(session.accessToken, h.resources.keys.tokenSecret)).sid;
    const second = (await h.ok(REFRESH, { t: session.refreshToken }, anonymous()))['refreshSession'];
    assert.notEqual(second.refreshToken, session.refreshToken);
    assert.equal((await verifyAccessToken(second.accessToken, h.resources.keys.tokenSecret)).sid, sid);

    const reuse = await h.call(REFRESH, { t: session.refreshToken }, anonymous());
    assert.equal(reuse.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
    assert.match(reuse.errors![0]!.message, /already used/);
    await eventually(
      async () => revocations.find((r) => r.type === 'session' && r.sessionId === sid),
      'the session revocation',
    );
    // the newest token of that session stopped working too
    const afterReuse = await h.call(REFRESH, { t: second.refreshToken }, anonymous());
    assert.equal(afterReuse.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');

    const unknown = await h.call(REFRESH, { t: 'aitipr_nonsense' }, anonymous());
    assert.equal(unknown.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
  });

  test('log-out ends the session and announces it', async () => {
    const session = await logIn(h, 'admin-first@example.com');
    const sid = (await verifyAccessToken(session.accessToken, h.resources.keys.tokenSecret)).sid;
    assert.equal((await h.ok(LOG_OUT, { t: session.refreshToken }, anonymous()))['logOut'], true);
    await eventually(
      async () => revocations.find((r) => r.type === 'session' && r.sessionId === sid),
      'the log-out revocation',
    );
    const refused = await h.call(REFRESH, { t: session.refreshToken }, anonymous());
    assert.equal(refused.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
    assert.equal((await h.ok(LOG_OUT, { t: 'aitipr_unknown' }, anonymous()))['logOut'], false);
  });
});

describe('sign-up with AUTH_SIGNUP=open (PostgreSQL)', () => {
  let h: UsersHarness;
  before(async () => {
    h = await startUsers('postgres', { AUTH_SIGNUP: 'open', AUTH_ACCESS_TOKEN_TTL: '120' });
  });
  after(() => h.close());

  test('anyone may sign up once the first account exists', async () => {
    await signUpFirst(h);
    const session = (
      await h.ok(SIGN_UP, { input: { email: randomEmail(), password: PASSWORD, displayName: 'Open' } }, anonymous())
    )['signUp'];
    assert.equal(session.organization, null);
    const claims = await verifyAccessToken(session.accessToken, h.resources.keys.tokenSecret);
    assert.equal(claims.exp - claims.iat, 120);
  });
});

async function logIn(h: UsersHarness, email: string) {
  const data = await h.ok(LOG_IN, { email, password: PASSWORD }, anonymous());
  return data['logIn'] as {
    accessToken: string;
    refreshToken: string;
    user: { id: string };
    organization: { id: string } | null;
  };
}

/** Creates an account through an invitation of a fresh organization; returns its e-mail. */
async function openSignUp(h: UsersHarness): Promise<string> {
  const owner = await logIn(h, 'admin-first@example.com');
  const { owner: identity } = await createOrg(h, owner.user.id);
  const email = randomEmail('throttle');
  const invited = await h.ok(
    `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }`,
    { input: { email, role: 'VIEWER' } },
    identity,
  );
  await h.ok(
    SIGN_UP,
    { input: { email, password: PASSWORD, displayName: 'T', invitationToken: invited['inviteMember'].token } },
    anonymous(),
  );
  return email;
}
