import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { OrganizationEntity } from './organization.entity.js';

/** Reads organizations from the users schema. */
export class OrganizationStore {
  private readonly repo: Repository<OrganizationEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(OrganizationEntity);
  }

  findById(id: string): Promise<OrganizationEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<OrganizationEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
