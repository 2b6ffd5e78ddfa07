import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { OrganizationEntity } from './organization.entity.js';

/**
 * Reads and creates organizations. An organization row is the tenant itself (its id is every tenant
 * row's `org_id`), so the services decide which ones a caller may see: only the active one.
 */
export class OrganizationStore {
  constructor(private readonly db: DataSource) {}

  private repo(manager?: EntityManager): Repository<OrganizationEntity> {
    return (manager ?? this.db.manager).getRepository(OrganizationEntity);
  }

  findById(id: string): Promise<OrganizationEntity | null> {
    return isUuid(id) ? this.repo().findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<OrganizationEntity[]> {
    const valid = [...new Set(ids.filter(isUuid))];
    return valid.length ? this.repo().findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  /** Which of `slugs` are taken. */
  async takenSlugs(slugs: string[], manager?: EntityManager): Promise<Set<string>> {
    const rows = await this.repo(manager).find({ where: { slug: In(slugs) }, select: { slug: true } });
    return new Set(rows.map((row) => row.slug));
  }

  insert(manager: EntityManager, organization: { name: string; slug: string }): Promise<OrganizationEntity> {
    return this.repo(manager).save(this.repo(manager).create(organization));
  }
}
