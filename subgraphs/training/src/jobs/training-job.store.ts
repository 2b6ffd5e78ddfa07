import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { TrainingJobEntity } from './training-job.entity.js';

/** Reads TrainingJob rows from the training schema. */
export class TrainingJobStore {
  private readonly repo: Repository<TrainingJobEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(TrainingJobEntity);
  }

  findById(id: string): Promise<TrainingJobEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<TrainingJobEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
