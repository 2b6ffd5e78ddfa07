import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { PriorityClassEntity } from './priority-class.entity.js';

/** Reads PriorityClass rows from the scheduler schema. */
export class PriorityClassStore {
  private readonly repo: Repository<PriorityClassEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(PriorityClassEntity);
  }

  findById(id: string): Promise<PriorityClassEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<PriorityClassEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
