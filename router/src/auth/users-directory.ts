import { Pool } from 'undici';
import { IDENTITY_HEADER, isRole, systemIdentity, type IdentitySigner, type Role } from '@aitip/kit';
import { RouterRequestError } from '../http/request-errors.js';

/** An API key as the users subgraph's `authApiKey` answers it. */
export interface ApiKeyPrincipal {
  apiKeyId: string;
  orgId: string;
  /** The person who created the key, when they still exist. */
  userId: string | null;
  scopes: string[];
  /** Milliseconds since the epoch, or null for a key that does not expire. */
  expiresAt: number | null;
}

/** A membership as `authMembership` answers it. */
export interface MembershipPrincipal {
  orgId: string;
  role: Role;
}

const API_KEY_QUERY =
  'query RouterAuthApiKey($key: String!) { authApiKey(key: $key) { apiKeyId orgId userId scopes expiresAt } }';
const MEMBERSHIP_QUERY =
  'query RouterAuthMembership($userId: ID!, $org: String!) { authMembership(userId: $userId, org: $org) { orgId role } }';

/**
 * The router's own calls to the users subgraph's system-only lookups (`authApiKey`,
 * `authMembership`), made directly with a router-signed system identity rather than through the
 * gateway, because they happen before the caller's identity is known.
 */
export class UsersDirectory {
  private readonly pool: Pool | undefined;
  private readonly path: string;

  constructor(
    private readonly url: string | undefined,
    private readonly signer: IdentitySigner,
  ) {
    const parsed = url ? new URL(url) : undefined;
    this.path = parsed ? parsed.pathname + parsed.search : '/graphql';
    this.pool = parsed && new Pool(parsed.origin, { connections: 16, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  /** The API key with this whole secret, or null when it is unknown, revoked or expired. */
  async apiKey(key: string): Promise<ApiKeyPrincipal | null> {
    const data = await this.call<{
      authApiKey: (Omit<ApiKeyPrincipal, 'expiresAt'> & { expiresAt: string | null }) | null;
    }>(API_KEY_QUERY, { key });
    const found = data.authApiKey;
    if (!found) return null;
    return { ...found, expiresAt: found.expiresAt ? Date.parse(found.expiresAt) : null };
  }

  /** The user's membership in the organization with this id or slug, or null when they are not a member. */
  async membership(userId: string, org: string): Promise<MembershipPrincipal | null> {
    const data = await this.call<{ authMembership: { orgId: string; role: string } | null }>(MEMBERSHIP_QUERY, {
      userId,
      org,
    });
    const found = data.authMembership;
    if (!found) return null;
    const role = found.role.toLowerCase();
    if (!isRole(role)) throw this.unavailable(`answered an unknown role "${found.role}"`);
    return { orgId: found.orgId, role };
  }

  private async call<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    if (!this.pool) {
      throw new RouterRequestError(
        503,
        'SUBGRAPH_UNAVAILABLE',
        'This router cannot check API keys or organization memberships: its supergraph has no "users" subgraph.',
      );
    }
    let status: number;
    let text: string;
    try {
      const response = await this.pool.request({
        path: this.path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          [IDENTITY_HEADER]: this.signer.sign(systemIdentity),
        },
        body: JSON.stringify({ query, variables }),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (err) {
      throw this.unavailable(`is unreachable (${(err as { code?: string }).code ?? (err as Error).message})`);
    }
    let body: { data?: T | null; errors?: Array<{ message: string }> };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw this.unavailable(`answered HTTP ${status} with a body that is not JSON`);
    }
    if (body.errors?.length || !body.data) {
      throw this.unavailable(`answered "${body.errors?.[0]?.message ?? `HTTP ${status}`}"`);
    }
    return body.data;
  }

  private unavailable(problem: string): RouterRequestError {
    return new RouterRequestError(
      503,
      'SUBGRAPH_UNAVAILABLE',
      `Cannot check your credentials right now: the users subgraph (${this.url}) ${problem}. Try again shortly.`,
      { subgraph: 'users' },
    );
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
