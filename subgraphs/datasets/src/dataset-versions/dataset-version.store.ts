import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { DatasetVersionEntity } from './dataset-version.entity.js';

/** Reads DatasetVersion rows from the datasets schema. */
export class DatasetVersionStore {
  private readonly repo: Repository<DatasetVersionEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(DatasetVersionEntity);
  }

  findById(id: string): Promise<DatasetVersionEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<DatasetVersionEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
