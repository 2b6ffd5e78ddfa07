import { createHash } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { UnauthenticatedError } from '../errors.js';

/** Bus channel on which the users subgraph announces revocations; every router drops its cache entries. */
export const AUTH_REVOCATIONS_CHANNEL = 'aitip.auth.revocations';

/**
 * Bounded stream of revoked sessions (`{ sessionId, at }`): a router that starts after a log-out
 * replays it, since pub/sub reaches only the routers listening at that moment.
 */
export const AUTH_REVOKED_SESSIONS_STREAM = 'aitip.auth.revoked-sessions';

/** One revocation announced on AUTH_REVOCATIONS_CHANNEL. */
export type AuthRevocation =
  | { type: 'apiKey'; apiKeyId: string }
  | { type: 'session'; sessionId: string }
  | { type: 'membership'; userId: string; orgId: string };

/** The claims of an access token. */
export interface AccessTokenClaims {
  /** User id. */
  sub: string;
  /** Session (refresh-token family) id. */
  sid: string;
  /** Default organization id. */
  org?: string;
  exp: number;
  iat: number;
}

const ISSUER = 'aitip';
const AUDIENCE = 'aitip';
/** Access tokens live this long unless configured otherwise. */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

const keyCache = new Map<string, Uint8Array>();
function keyOf(secret: string): Uint8Array {
  let key = keyCache.get(secret);
  if (!key) {
    key = new TextEncoder().encode(secret);
    keyCache.set(secret, key);
  }
  return key;
}

/** Signs a short-lived access token (HS256). */
export async function signAccessToken(
  claims: { userId: string; sessionId: string; orgId?: string },
  secret: string,
  ttlSeconds = DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
): Promise<{ token: string; expiresAt: Date }> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ sid: claims.sessionId, ...(claims.orgId ? { org: claims.orgId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(keyOf(secret));
  return { token, expiresAt: new Date((now + ttlSeconds) * 1000) };
}

/**
 * Verifies an access token: HS256 only (so `alg: none` and key-confusion tricks are refused),
 * signature, issuer, audience and expiry. Throws UnauthenticatedError with a message that says what to do.
 */
export async function verifyAccessToken(token: string, secret: string): Promise<AccessTokenClaims> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    if (typeof payload.sub !== 'string' || typeof payload['sid'] !== 'string') {
      throw new UnauthenticatedError('The access token is not an AITIP access token. Sign in again.');
    }
    return payload as unknown as AccessTokenClaims;
  } catch (err) {
    if (err instanceof UnauthenticatedError) throw err;
    if (err instanceof joseErrors.JWTExpired) {
      throw new UnauthenticatedError(
        'The access token has expired. Get a new one with refreshSession (the CLI and web UI do this for you) or sign in again.',
        { reason: 'TOKEN_EXPIRED' },
      );
    }
    throw new UnauthenticatedError('The access token is not valid. Sign in again.', { reason: 'TOKEN_INVALID' });
  }
}

/** SHA-256 hex of a high-entropy credential (API key, refresh token, invitation token); safe to store and look up. */
export function credentialHash(credential: string): string {
  return createHash('sha256').update(credential).digest('hex');
}
