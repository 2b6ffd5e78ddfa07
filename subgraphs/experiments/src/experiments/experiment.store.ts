import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { ExperimentEntity } from './experiment.entity.js';

/** Reads Experiment rows from the experiments schema. */
export class ExperimentStore {
  private readonly repo: Repository<ExperimentEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(ExperimentEntity);
  }

  findById(id: string): Promise<ExperimentEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<ExperimentEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
