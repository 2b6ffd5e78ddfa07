import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { ScenarioEntity } from './scenario.entity.js';

/** Reads Scenario rows from the simulation schema. */
export class ScenarioStore {
  private readonly repo: Repository<ScenarioEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(ScenarioEntity);
  }

  findById(id: string): Promise<ScenarioEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<ScenarioEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
