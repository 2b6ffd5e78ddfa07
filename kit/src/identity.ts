import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from './errors.js';

/** Header carrying the router-signed identity on every subgraph call. */
export const IDENTITY_HEADER = 'x-aitip-identity';

/**
 * Who is calling, as verified by the router. `user` is a signed-in person acting in `orgId` with
 * the scopes of their role; `service` is an API key acting in its organization with its own scopes;
 * `system` is the platform itself (the router's own lookups, workers).
 */
export interface Identity {
  kind: 'anonymous' | 'system' | 'user' | 'service';
  /** The person signed in (kind `user`), or the person who created the API key (kind `service`). */
  userId?: string;
  /** The API key in use (kind `service`). */
  apiKeyId?: string;
  /** The log-in session (refresh-token family) the access token belongs to (kind `user`). */
  sessionId?: string;
  /** The organization (tenant) the call acts in. */
  orgId?: string;
  /** The caller's role in `orgId` (`owner`, `admin`, `member`, `viewer`); empty for API keys. */
  roles: string[];
  scopes: string[];
  /** The client's IP address as the router saw it. */
  clientIp?: string;
}

export const anonymousIdentity: Identity = { kind: 'anonymous', roles: [], scopes: [] };
export const systemIdentity: Identity = { kind: 'system', roles: ['system'], scopes: ['*'] };

interface SignedPayload extends Identity {
  /** expiry, seconds since the epoch */
  exp: number;
}

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/**
 * Signs an identity for one hop: `v1.<payload>.<hmac>`, valid for `ttlSeconds`.
 * HMAC-SHA256 with the internal secret shared by the router and the subgraphs.
 */
export function signIdentity(identity: Identity, secret: string, ttlSeconds = 60, now = Date.now()): string {
  const payload: SignedPayload = { ...identity, exp: Math.floor(now / 1000) + ttlSeconds };
  const body = b64(JSON.stringify(payload));
  return `v1.${body}.${b64(mac(secret, body))}`;
}

/** Verifies a signed identity header; throws UnauthenticatedError when missing, forged or expired. */
export function verifyIdentity(header: string | string[] | undefined, secret: string, now = Date.now()): Identity {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) {
    throw new UnauthenticatedError(
      'This service only accepts calls through the AITIP router; send requests to the router.',
    );
  }
  const [version, body, signature] = value.split('.');
  if (version !== 'v1' || !body || !signature) {
    throw new UnauthenticatedError('Malformed internal identity header.');
  }
  const expected = mac(secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UnauthenticatedError('Internal identity signature does not verify.');
  }
  let payload: SignedPayload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SignedPayload;
  } catch {
    throw new UnauthenticatedError('Malformed internal identity header.');
  }
  if (typeof payload.exp !== 'number' || payload.exp * 1000 < now) {
    throw new UnauthenticatedError('Internal identity has expired.');
  }
  const { exp: _exp, ...identity } = payload;
  return identity;
}

/**
 * Caches signed headers per identity so a hot path signs at most once per interval
 * (a header stays valid for ttlSeconds; it is re-signed after half of that).
 */
export class IdentitySigner {
  private readonly cache = new Map<string, { header: string; renewAt: number }>();

  constructor(
    private readonly secret: string,
    private readonly ttlSeconds = 60,
  ) {}

  sign(identity: Identity): string {
    const key = JSON.stringify(identity);
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.renewAt > now) return hit.header;
    const header = signIdentity(identity, this.secret, this.ttlSeconds, now);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { header, renewAt: now + (this.ttlSeconds * 1000) / 2 });
    return header;
  }
}
