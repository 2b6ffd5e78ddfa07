import type { IncomingHttpHeaders } from 'node:http';
import { LRUCache } from 'lru-cache';
import {
  credentialHash,
  scopesForRole,
  type AuthRevocation,
  type Bus,
  type BusUnsubscribe,
  type Identity,
  type IdentitySigner,
  type Logger,
} from '@aitip/kit';
import { RouterRequestError } from '../http/request-errors.js';
import { AccessTokenVerifier } from './access-tokens.js';
import { credentialOf, unauthenticated } from './credentials.js';
import { LookupCache } from './lookup-cache.js';
import { subscribeToRevocations } from './revocations.js';
import { UsersDirectory, type ApiKeyPrincipal, type MembershipPrincipal } from './users-directory.js';

/** Header naming the organization (id or slug) a signed-in user acts in. */
export const ORG_HEADER = 'x-aitip-org';

/** How long lookups are trusted without a revocation; negative answers for a shorter time. */
const LOOKUP_TTL_MS = 60_000;
const NEGATIVE_TTL_MS = 5_000;
/**
 * Revoked sessions are remembered this long: longer than any access token of theirs can live
 * (15 minutes by default; AUTH_ACCESS_TOKEN_TTL may raise it, so keep a wide margin).
 */
const REVOKED_SESSION_TTL_MS = 24 * 60 * 60_000;

export interface AuthenticatorOptions {
  /** Signs and verifies access tokens (shared with the users subgraph). */
  tokenSecret: string;
  /** The users subgraph's GraphQL URL, for API key and membership lookups. */
  usersUrl: string | undefined;
  signer: IdentitySigner;
  /** Carries the users subgraph's revocations to every router. */
  bus: Bus;
  log: Logger;
}

/**
 * Turns a request's credentials into the identity forwarded to subgraphs: a user (access token,
 * optionally acting in an organization they belong to), a service (API key), or anonymous.
 * Verifications and lookups are cached; revocations on the bus drop them on every router at once.
 */
export class Authenticator {
  private readonly tokens: AccessTokenVerifier;
  private readonly directory: UsersDirectory;
  private readonly apiKeys: LookupCache<ApiKeyPrincipal>;
  private readonly memberships: LookupCache<MembershipPrincipal>;
  /** apiKeyId → cache key (credential hash), to drop a revoked key. */
  private readonly apiKeyEntries = new LRUCache<string, string>({ max: 50_000 });
  /** userId → membership cache keys (one per organization id or slug asked for). */
  private readonly membershipEntries = new LRUCache<string, Set<string>>({ max: 100_000 });
  private readonly revokedSessions = new LRUCache<string, true>({ max: 100_000, ttl: REVOKED_SESSION_TTL_MS });
  private unsubscribe: BusUnsubscribe | undefined;
  private readonly revocationListeners = new Set<(revocation: AuthRevocation) => void>();

  constructor(private readonly options: AuthenticatorOptions) {
    this.tokens = new AccessTokenVerifier(options.tokenSecret);
    this.directory = new UsersDirectory(options.usersUrl, options.signer);
    this.apiKeys = new LookupCache({
      max: 50_000,
      ttlMs: LOOKUP_TTL_MS,
      negativeTtlMs: NEGATIVE_TTL_MS,
      onStore: (key, value) => {
        if (value) this.apiKeyEntries.set(value.apiKeyId, key);
      },
    });
    this.memberships = new LookupCache({
      max: 100_000,
      ttlMs: LOOKUP_TTL_MS,
      negativeTtlMs: NEGATIVE_TTL_MS,
      onStore: (key) => {
        const userId = key.slice(0, key.indexOf('\n'));
        let keys = this.membershipEntries.get(userId);
        if (!keys) this.membershipEntries.set(userId, (keys = new Set()));
        keys.add(key);
      },
    });
  }

  /** Starts following revocations; resolves once subscribed. */
  async start(): Promise<void> {
    this.unsubscribe = await subscribeToRevocations(
      this.options.bus,
      this.options.log,
      (r) => this.revoke(r),
      REVOKED_SESSION_TTL_MS,
    );
  }

  /** The identity of a request; throws RouterRequestError 401/403 (or 503 when the users subgraph is down). */
  async authenticate(headers: IncomingHttpHeaders, clientIp: string): Promise<Identity> {
    return (await this.authenticateSession(headers, clientIp)).identity;
  }

  /**
   * The identity and when its credential stops being valid (access token or API key expiry), for
   * long-lived connections (subscriptions) that must end then.
   */
  async authenticateSession(
    headers: IncomingHttpHeaders,
    clientIp: string,
  ): Promise<{ identity: Identity; expiresAt?: number }> {
    const credential = credentialOf(headers.authorization);
    const orgHeader = headerValue(headers[ORG_HEADER]);
    switch (credential.kind) {
      case 'none':
        return { identity: { kind: 'anonymous', roles: [], scopes: [], clientIp } };
      case 'accessToken':
        return this.user(credential.token, orgHeader, clientIp);
      case 'apiKey':
        return this.service(credential.key, orgHeader, clientIp);
    }
  }

  /** Calls `listener` with every revocation after the caches have dropped it; returns how to stop. */
  onRevocation(listener: (revocation: AuthRevocation) => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  private async user(
    token: string,
    orgHeader: string | undefined,
    clientIp: string,
  ): Promise<{ identity: Identity; expiresAt?: number }> {
    const claims = await this.tokens.verify(token);
    const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
    if (this.revokedSessions.has(claims.sid)) {
      throw unauthenticated('This session was signed out; sign in again.', { reason: 'SESSION_REVOKED' });
    }
    const org = orgHeader ?? claims.org;
    const base = { kind: 'user' as const, userId: claims.sub, sessionId: claims.sid, clientIp };
    if (!org) return { identity: { ...base, roles: [], scopes: [] }, expiresAt };
    const membership = await this.memberships.get(`${claims.sub}\n${org}`, () =>
      this.directory.membership(claims.sub, org),
    );
    if (!membership) {
      throw new RouterRequestError(
        403,
        'FORBIDDEN',
        `You are not a member of organization "${org}". Run \`aitip orgs\` to list yours.`,
      );
    }
    return {
      identity: {
        ...base,
        orgId: membership.orgId,
        roles: [membership.role],
        scopes: [...scopesForRole(membership.role)],
      },
      expiresAt,
    };
  }

  private async service(
    key: string,
    orgHeader: string | undefined,
    clientIp: string,
  ): Promise<{ identity: Identity; expiresAt?: number }> {
    const principal = await this.apiKeys.get(credentialHash(key), () => this.directory.apiKey(key));
    // a cached key still stops at its expiry
    if (!principal || (principal.expiresAt !== null && principal.expiresAt <= Date.now())) {
      throw unauthenticated(
        'This API key is not valid (revoked, expired or unknown). Create a new one with `aitip keys create`.',
      );
    }
    if (orgHeader !== undefined && orgHeader !== principal.orgId) {
      throw new RouterRequestError(
        403,
        'FORBIDDEN',
        `This API key belongs to organization ${principal.orgId} and acts only there; ` +
          `leave out the ${ORG_HEADER} header ("${orgHeader}") or use a key of that organization.`,
      );
    }
    return {
      identity: {
        kind: 'service',
        apiKeyId: principal.apiKeyId,
        ...(principal.userId ? { userId: principal.userId } : {}),
        orgId: principal.orgId,
        roles: [],
        scopes: [...principal.scopes],
        clientIp,
      },
      ...(principal.expiresAt !== null ? { expiresAt: principal.expiresAt } : {}),
    };
  }

  /** Applies one revocation announced by the users subgraph. */
  revoke(revocation: AuthRevocation): void {
    this.dropRevoked(revocation);
    for (const listener of this.revocationListeners) listener(revocation);
  }

  private dropRevoked(revocation: AuthRevocation): void {
    switch (revocation.type) {
      case 'apiKey': {
        const key = this.apiKeyEntries.get(revocation.apiKeyId);
        this.apiKeyEntries.delete(revocation.apiKeyId);
        this.apiKeys.delete(key);
        return;
      }
      case 'session':
        this.revokedSessions.set(revocation.sessionId, true);
        return;
      case 'membership': {
        // the entries may be keyed by the organization's id or its slug: drop all of the user's
        const keys = this.membershipEntries.get(revocation.userId);
        this.membershipEntries.delete(revocation.userId);
        this.memberships.delete(undefined);
        for (const key of keys ?? []) this.memberships.delete(key);
        return;
      }
    }
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
    await this.directory.close();
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
}
