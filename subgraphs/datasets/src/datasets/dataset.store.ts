import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { DatasetEntity } from './dataset.entity.js';

/** Reads Dataset rows from the datasets schema. */
export class DatasetStore {
  private readonly repo: Repository<DatasetEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(DatasetEntity);
  }

  findById(id: string): Promise<DatasetEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<DatasetEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
