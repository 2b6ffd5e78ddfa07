import type { DataSource, EntityManager, Repository } from 'typeorm';
import { inTenant } from '@aitip/kit';
import { SecretEntity } from './secret.entity.js';
import type { SealedValue } from './secret-cipher.js';

/** Encrypted organization secrets; every method runs in an `inTenant` transaction and filters by `org_id`. */
export class SecretStore {
  constructor(private readonly db: DataSource) {}

  private repo(manager: EntityManager): Repository<SecretEntity> {
    return manager.getRepository(SecretEntity);
  }

  list(orgId: string): Promise<SecretEntity[]> {
    return inTenant(this.db, orgId, (m) => this.repo(m).find({ where: { orgId }, order: { name: 'ASC' } }));
  }

  find(orgId: string, name: string): Promise<SecretEntity | null> {
    return inTenant(this.db, orgId, (m) => this.repo(m).findOneBy({ orgId, name }));
  }

  /** Creates or replaces the secret `name`. */
  upsert(orgId: string, name: string, sealed: SealedValue, createdBy: string | null): Promise<SecretEntity> {
    return inTenant(this.db, orgId, async (m) => {
      const rows = (await m.query(
        `INSERT INTO users.secrets (org_id, name, iv, auth_tag, ciphertext, created_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (org_id, name) DO UPDATE
           SET iv = EXCLUDED.iv, auth_tag = EXCLUDED.auth_tag, ciphertext = EXCLUDED.ciphertext, updated_at = now()
         RETURNING id`,
        [orgId, name, sealed.iv, sealed.authTag, sealed.ciphertext, createdBy],
      )) as Array<{ id: string }>;
      return this.repo(m).findOneByOrFail({ orgId, id: rows[0]!.id });
    });
  }

  /** Deletes the secret `name`; whether there was one. */
  delete(orgId: string, name: string): Promise<boolean> {
    return inTenant(this.db, orgId, async (m) => {
      const result = await this.repo(m).delete({ orgId, name });
      return (result.affected ?? 0) > 0;
    });
  }
}
