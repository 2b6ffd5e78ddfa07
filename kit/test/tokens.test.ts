import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { UnauthenticatedError, signAccessToken, verifyAccessToken } from '../src/index.js';

const secret = 'a-test-secret-of-at-least-32-characters!!';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token with arbitrary header and claims, signed (or not) by hand, as an attacker would make it. */
function forge(header: object, claims: object, key: string | undefined): string {
  const body = `${b64(header)}.${b64(claims)}`;
  const signature = key ? createHmac('sha256', key).update(body).digest('base64url') : '';
  return `${body}.${signature}`;
}

const now = () => Math.floor(Date.now() / 1000);
const validClaims = () => ({
  sub: 'user-1',
  sid: 'session-1',
  iss: 'aitip',
  aud: 'aitip',
  iat: now(),
  exp: now() + 60,
});

async function refused(token: string, reason: RegExp) {
  await assert.rejects(verifyAccessToken(token, secret), (err: unknown) => {
    assert.ok(err instanceof UnauthenticatedError);
    assert.match(err.message, reason);
    return true;
  });
}

describe('access tokens', () => {
  test('a signed token verifies and carries user, session and organization', async () => {
    const { token, expiresAt } = await signAccessToken({ userId: 'u1', sessionId: 's1', orgId: 'o1' }, secret, 900);
    const claims = await verifyAccessToken(token, secret);
    assert.equal(claims.sub, 'u1');
    assert.equal(claims.sid, 's1');
    assert.equal(claims.org, 'o1');
    assert.ok(Math.abs(expiresAt.getTime() - (Date.now() + 900_000)) < 5_000);
  });

  test('an expired token is refused and says how to get a new one', async () => {
    await refused(forge({ alg: 'HS256' }, { ...validClaims(), exp: now() - 10 }, secret), /expired.*refreshSession/);
  });

  test('a tampered token is refused', async () => {
    const { token } = await signAccessToken({ userId: 'u1', sessionId: 's1' }, secret);
    const [header, , signature] = token.split('.');
    const tampered = `${header}.${b64({ ...validClaims(), sub: 'someone-else' })}.${signature}`;
    await refused(tampered, /not valid/);
  });

  test('a token signed with another key is refused', async () => {
    await refused(forge({ alg: 'HS256' }, validClaims(), 'another-secret-of-at-least-32-characters'), /not valid/);
  });

  test('an unsigned alg:none token is refused', async () => {
    await refused(forge({ alg: 'none', typ: 'JWT' }, validClaims(), undefined), /not valid/);
  });

  test('another algorithm is refused even with the right key', async () => {
    const body = `${b64({ alg: 'HS512' })}.${b64(validClaims())}`;
    const signature = createHmac('sha512', secret).update(body).digest('base64url');
    await refused(`${body}.${signature}`, /not valid/);
  });

  test('a token for another audience or issuer is refused', async () => {
    await refused(forge({ alg: 'HS256' }, { ...validClaims(), aud: 'elsewhere' }, secret), /not valid/);
    await refused(forge({ alg: 'HS256' }, { ...validClaims(), iss: 'elsewhere' }, secret), /not valid/);
  });

  test('garbage is refused', async () => {
    await refused('not-a-token', /not valid/);
    await refused('', /not valid/);
  });
});
