import { IsNull, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity.js';

/** Refresh tokens (owner connection: sessions belong to a person, not to a tenant). */
export class RefreshTokenStore {
  constructor(private readonly db: DataSource) {}

  private repo(manager?: EntityManager): Repository<RefreshTokenEntity> {
    return (manager ?? this.db.manager).getRepository(RefreshTokenEntity);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  insert(
    manager: EntityManager | undefined,
    token: { familyId: string; userId: string; orgId: string | null; tokenHash: string; expiresAt: Date },
  ): Promise<RefreshTokenEntity> {
    return this.repo(manager).save(this.repo(manager).create(token));
  }

  /** The token with this hash, locked so that two refreshes with one token cannot both rotate it. */
  findByHashForUpdate(manager: EntityManager, tokenHash: string): Promise<RefreshTokenEntity | null> {
    return this.repo(manager).findOne({ where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  async markUsed(manager: EntityManager, id: string, at: Date): Promise<void> {
    await this.repo(manager).update({ id }, { usedAt: at });
  }

  /** Revokes every token of the session that is not revoked yet. */
  async revokeFamily(manager: EntityManager | undefined, familyId: string, at: Date): Promise<void> {
    await this.repo(manager).update({ familyId, revokedAt: IsNull() }, { revokedAt: at });
  }
}
