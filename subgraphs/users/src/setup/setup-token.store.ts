import { IsNull, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { SetupTokenEntity } from './setup-token.entity.js';

/** The first-run setup tokens (owner connection: they exist before any organization does). */
export class SetupTokenStore {
  constructor(private readonly db: DataSource) {}

  private repo(manager?: EntityManager): Repository<SetupTokenEntity> {
    return (manager ?? this.db.manager).getRepository(SetupTokenEntity);
  }

  /** Replaces every unused token with a new one, so only the token printed last works. */
  async replace(tokenHash: string, expiresAt: Date): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.repo(m).delete({ usedAt: IsNull() });
      await this.repo(m).insert({ tokenHash, expiresAt });
    });
  }

  /** The token with this hash, locked so two first sign-ups cannot both use it. */
  findForUpdate(manager: EntityManager, tokenHash: string): Promise<SetupTokenEntity | null> {
    return this.repo(manager).findOne({ where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  async markUsed(manager: EntityManager, id: string): Promise<void> {
    await this.repo(manager).update({ id }, { usedAt: new Date() });
  }
}
