import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { RegisteredModelEntity } from './registered-model.entity.js';

/** Reads RegisteredModel rows from the releases schema. */
export class RegisteredModelStore {
  private readonly repo: Repository<RegisteredModelEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(RegisteredModelEntity);
  }

  findById(id: string): Promise<RegisteredModelEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<RegisteredModelEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
