import { LRUCache } from 'lru-cache';
import { UnauthenticatedError, verifyAccessToken, type AccessTokenClaims } from '@aitip/kit';
import { unauthenticated } from './credentials.js';

/**
 * Verifies access tokens once each: a verified token is remembered until it expires, so the hot
 * path is one map lookup instead of an HMAC and a JSON parse. Revoked sessions are checked by the
 * caller on every request, cached or not.
 */
export class AccessTokenVerifier {
  private readonly verified = new LRUCache<string, AccessTokenClaims>({ max: 50_000 });

  constructor(private readonly secret: string) {}

  /** The token's claims; throws a 401 RouterRequestError that says what to do. */
  async verify(token: string): Promise<AccessTokenClaims> {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit && hit.exp * 1000 > now) return hit;
    let claims: AccessTokenClaims;
    try {
      claims = await verifyAccessToken(token, this.secret);
    } catch (err) {
      if (err instanceof UnauthenticatedError) {
        const { code: _code, ...extensions } = err.extensions;
        throw unauthenticated(err.message, extensions);
      }
      throw err;
    }
    this.verified.set(token, claims, { ttl: Math.max(1, claims.exp * 1000 - now) });
    return claims;
  }
}
