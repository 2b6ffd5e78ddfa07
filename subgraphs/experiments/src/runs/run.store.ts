import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { RunEntity } from './run.entity.js';

/** Reads Run rows from the experiments schema. */
export class RunStore {
  private readonly repo: Repository<RunEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(RunEntity);
  }

  findById(id: string): Promise<RunEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<RunEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
