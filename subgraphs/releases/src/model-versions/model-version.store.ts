import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { ModelVersionEntity } from './model-version.entity.js';

/** Reads ModelVersion rows from the releases schema. */
export class ModelVersionStore {
  private readonly repo: Repository<ModelVersionEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(ModelVersionEntity);
  }

  findById(id: string): Promise<ModelVersionEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<ModelVersionEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
