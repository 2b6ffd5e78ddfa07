import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  credentialHash,
  ForbiddenError,
  InputError,
  NotFoundError,
  requireOrg,
  scopeAllows,
  scopesForRole,
  isScope,
  SCOPES,
  type Identity,
} from '@aitip/kit';
import type { ApiKeyEntity } from './api-key.entity.js';
import type { ApiKeyStore } from './api-key.store.js';
import type { CreateApiKeyInput, IssueWorkloadKeyInput } from './api-key.input.js';
import type { ApiKey, ApiKeyPrincipal, CreatedApiKey } from './api-key.type.js';
import type { UserStore } from '../users/user.store.js';
import type { MembershipStore } from '../memberships/membership.store.js';
import { toUser } from '../users/user.type.js';
import type { RevocationPublisher } from '../revocations.js';

/** `aitip_<12 hex id prefix>_<43 base64url secret>` */
const KEY_FORMAT = /^aitip_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** Last use is recorded at most this often per key, so a busy key does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;
/** The longest a workload key lives: a job that runs longer than this must not hold a key forever. */
const WORKLOAD_KEY_MAX_SECONDS = 7 * 86_400;

/** Creating, listing, revoking and resolving API keys. */
export class ApiKeyService {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly users: UserStore,
    private readonly memberships: MembershipStore,
    private readonly revocations: RevocationPublisher,
  ) {}

  /** Creates a key in the active organization with at most the caller's own scopes; the key is returned once. */
  async create(identity: Identity, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const orgId = requireOrg(identity);
    if (identity.kind === 'service' && !scopeAllows(identity.scopes, 'admin')) {
      throw new ForbiddenError('An API key can create API keys only when it holds the "admin" scope; sign in instead.');
    }
    const name = input.name.trim();
    if (!name || name.length > 100) throw new InputError('Name the key in 1 to 100 characters.', { field: 'name' });
    const scopes = validScopes(input.scopes);
    const beyond = scopes.filter((s) => !scopeAllows(identity.scopes, s));
    if (beyond.length) {
      throw new ForbiddenError(
        `A key cannot do more than you: you do not hold ${beyond.map((s) => `"${s}"`).join(', ')} in this organization.`,
        { scopes: beyond },
      );
    }
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now())) {
      throw new InputError('expiresAt must be in the future; leave it out for a key that does not expire.', {
        field: 'expiresAt',
      });
    }
    return this.insert(orgId, { name, scopes, createdBy: identity.userId ?? null, expiresAt });
  }

  /**
   * A key the platform gives one piece of work (a training attempt's MLFLOW_TRACKING_TOKEN): it acts in
   * the system identity's organization for the person the work belongs to, with at most the scopes that
   * person's role holds there now, and expires after `ttlSeconds` (at most a week) if it is never revoked.
   */
  async issueWorkloadKey(identity: Identity, input: IssueWorkloadKeyInput): Promise<CreatedApiKey> {
    if (identity.kind !== 'system') throw new ForbiddenError('Only the platform itself may issue workload keys.');
    const orgId = requireOrg(identity);
    const name = input.name.trim().slice(0, 100);
    if (!name) throw new InputError('Name the workload key.', { field: 'name' });
    const scopes = validScopes(input.scopes);
    if (!Number.isInteger(input.ttlSeconds) || input.ttlSeconds < 60 || input.ttlSeconds > WORKLOAD_KEY_MAX_SECONDS) {
      throw new InputError(`ttlSeconds must be a whole number from 60 to ${WORKLOAD_KEY_MAX_SECONDS}.`, {
        field: 'ttlSeconds',
      });
    }
    const userId = identity.userId ?? null;
    if (userId) {
      const membership = await this.memberships.tenant(orgId, (m) => this.memberships.find(m, orgId, userId));
      if (!membership) {
        throw new ForbiddenError('The work belongs to someone who is no longer a member of this organization.');
      }
      const beyond = scopes.filter((s) => !scopeAllows(scopesForRole(membership.role), s));
      if (beyond.length) {
        throw new ForbiddenError(
          `The work's owner (role ${membership.role}) does not hold ${beyond.map((s) => `"${s}"`).join(', ')}.`,
          { scopes: beyond },
        );
      }
    }
    const expiresAt = new Date(Date.now() + input.ttlSeconds * 1000);
    return this.insert(orgId, { name, scopes, createdBy: userId, expiresAt });
  }

  /** Revokes a workload key at once; false when it is not one of this organization's keys. */
  async revokeWorkloadKey(identity: Identity, id: string): Promise<boolean> {
    if (identity.kind !== 'system') throw new ForbiddenError('Only the platform itself may revoke workload keys.');
    const orgId = requireOrg(identity);
    const revoked = await this.store.tenant(orgId, async (m) => {
      const key = await this.store.find(m, orgId, id, true);
      if (!key) return false;
      if (!key.revokedAt) await this.store.revoke(m, orgId, id, new Date());
      return true;
    });
    if (revoked) await this.revocations.publish({ type: 'apiKey', apiKeyId: id });
    return revoked;
  }

  private async insert(
    orgId: string,
    key: { name: string; scopes: string[]; createdBy: string | null; expiresAt: Date | null },
  ): Promise<CreatedApiKey> {
    const prefix = randomBytes(6).toString('hex');
    const secret = `aitip_${prefix}_${randomBytes(32).toString('base64url')}`;
    const row = await this.store.tenant(orgId, (m) =>
      this.store.insert(m, { orgId, ...key, prefix, secretHash: credentialHash(secret) }),
    );
    const [apiKey] = await this.withCreators([row]);
    return { apiKey: apiKey!, secret };
  }

  /** The active organization's keys, newest first. */
  async list(identity: Identity): Promise<ApiKey[]> {
    const orgId = requireOrg(identity);
    return this.withCreators(await this.store.tenant(orgId, (m) => this.store.list(m, orgId)));
  }

  /** The key the caller is using, for `viewer`. */
  async current(identity: Identity): Promise<ApiKey | null> {
    if (!identity.apiKeyId || !identity.orgId) return null;
    const orgId = identity.orgId;
    const row = await this.store.tenant(orgId, (m) => this.store.find(m, orgId, identity.apiKeyId!));
    return row ? ((await this.withCreators([row]))[0] ?? null) : null;
  }

  /** Revokes a key: members their own, admins any; every router drops it at once. */
  async revoke(identity: Identity, id: string): Promise<ApiKey> {
    const orgId = requireOrg(identity);
    const row = await this.store.tenant(orgId, async (m) => {
      const key = await this.store.find(m, orgId, id, true);
      if (!key) throw new NotFoundError('There is no such API key in this organization; `apiKeys` lists them.');
      if (!scopeAllows(identity.scopes, 'admin') && (!identity.userId || key.createdBy !== identity.userId)) {
        throw new ForbiddenError('You can revoke only the API keys you created; ask an admin to revoke this one.');
      }
      if (!key.revokedAt) {
        key.revokedAt = new Date();
        await this.store.revoke(m, orgId, id, key.revokedAt);
      }
      return key;
    });
    await this.revocations.publish({ type: 'apiKey', apiKeyId: row.id });
    return (await this.withCreators([row]))[0]!;
  }

  /** The router's lookup: the principal of a valid key, or null for a malformed, unknown, revoked or expired one. */
  async authenticate(key: string): Promise<ApiKeyPrincipal | null> {
    const match = KEY_FORMAT.exec(key.trim());
    if (!match) return null;
    const row = await this.store.findByPrefix(match[1]!);
    if (!row) return null;
    const given = Buffer.from(credentialHash(key.trim()), 'hex');
    const stored = Buffer.from(row.secretHash, 'hex');
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) return null;
    const now = Date.now();
    if (row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now)) return null;
    if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
      await this.store.touch(row.id, new Date(now));
    }
    return { apiKeyId: row.id, orgId: row.orgId, userId: row.createdBy, scopes: row.scopes, expiresAt: row.expiresAt };
  }

  private async withCreators(rows: ApiKeyEntity[]): Promise<ApiKey[]> {
    const ids = rows.flatMap((r) => (r.createdBy ? [r.createdBy] : []));
    const users = new Map((await this.users.findByIds(ids)).map((u) => [u.id, u]));
    return rows.map((row) => {
      const creator = row.createdBy ? users.get(row.createdBy) : undefined;
      return {
        id: row.id,
        orgId: row.orgId,
        name: row.name,
        prefix: row.prefix,
        scopes: row.scopes,
        createdBy: creator ? toUser(creator) : null,
        expiresAt: row.expiresAt,
        lastUsedAt: row.lastUsedAt,
        revokedAt: row.revokedAt,
        createdAt: row.createdAt,
      };
    });
  }
}

/** The distinct scopes given, or an InputError naming the unknown ones and the valid ones. */
function validScopes(given: readonly string[]): string[] {
  const scopes = [...new Set(given.map((s) => s.trim()))];
  if (!scopes.length) throw new InputError(`Give the key at least one scope: ${SCOPES.join(', ')}.`);
  const unknown: string[] = scopes.filter((s) => !isScope(s));
  if (unknown.length) {
    throw new InputError(
      `Unknown scope(s) ${unknown.map((s) => `"${s.slice(0, 60)}"`).join(', ')}; valid scopes are ${SCOPES.join(', ')}.`,
      { field: 'scopes', validScopes: [...SCOPES] },
    );
  }
  return scopes;
}
