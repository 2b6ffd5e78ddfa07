import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdentitySigner, signIdentity, verifyIdentity, type Identity } from '../src/index.js';

const secret = 'a'.repeat(40);
const identity: Identity = { kind: 'user', userId: 'u1', orgId: 'o1', roles: ['admin'], scopes: [] };

test('a signed identity verifies and round-trips', () => {
  assert.deepEqual(verifyIdentity(signIdentity(identity, secret), secret), identity);
});

test('missing, forged, tampered and expired identities are refused with UNAUTHENTICATED', () => {
  const header = signIdentity(identity, secret);
  const [v, body, sig] = header.split('.');
  const forged = signIdentity(identity, 'b'.repeat(40));
  const tamperedBody = Buffer.from(JSON.stringify({ ...identity, roles: ['owner'], exp: 9e9 })).toString('base64url');
  for (const bad of [undefined, '', 'garbage', forged, `${v}.${tamperedBody}.${sig}`, `${v}.${body}.`]) {
    assert.throws(
      () => verifyIdentity(bad, secret),
      (err: { extensions?: { code?: string } }) => err.extensions?.code === 'UNAUTHENTICATED',
    );
  }
  const expired = signIdentity(identity, secret, 60, Date.now() - 120_000);
  assert.throws(() => verifyIdentity(expired, secret), /expired/);
});

test('the signer reuses a header while it is fresh', () => {
  const signer = new IdentitySigner(secret, 60);
  assert.equal(signer.sign(identity), signer.sign(identity));
  assert.notEqual(signer.sign(identity), signer.sign({ ...identity, orgId: 'o2' }));
});
