import { type DataSource, type EntityManager, type Repository } from 'typeorm';
import { inTenant, isUuid } from '@aitip/kit';
import { ApiKeyEntity } from './api-key.entity.js';

/**
 * API keys. Tenant methods take the manager of an `inTenant` transaction and filter by `org_id`;
 * `findByPrefix` and `touch` serve the router's key lookup, which happens before a tenant is known.
 */
export class ApiKeyStore {
  constructor(private readonly db: DataSource) {}

  private repo(manager?: EntityManager): Repository<ApiKeyEntity> {
    return (manager ?? this.db.manager).getRepository(ApiKeyEntity);
  }

  tenant<T>(orgId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inTenant(this.db, orgId, work);
  }

  list(manager: EntityManager, orgId: string): Promise<ApiKeyEntity[]> {
    return this.repo(manager).find({ where: { orgId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  find(manager: EntityManager, orgId: string, id: string, lock = false): Promise<ApiKeyEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.repo(manager).findOne({
      where: { orgId, id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  insert(
    manager: EntityManager,
    key: {
      orgId: string;
      name: string;
      prefix: string;
      secretHash: string;
      scopes: string[];
      createdBy: string | null;
      expiresAt: Date | null;
    },
  ): Promise<ApiKeyEntity> {
    return this.repo(manager).save(this.repo(manager).create(key));
  }

  async revoke(manager: EntityManager, orgId: string, id: string, at: Date): Promise<void> {
    await this.repo(manager).update({ orgId, id }, { revokedAt: at });
  }

  /** The key with this prefix in any organization (owner connection: the router's lookup). */
  findByPrefix(prefix: string): Promise<ApiKeyEntity | null> {
    return this.repo().findOneBy({ prefix });
  }

  /** Records a use of the key. */
  async touch(id: string, at: Date): Promise<void> {
    await this.repo().update({ id }, { lastUsedAt: at });
  }
}
