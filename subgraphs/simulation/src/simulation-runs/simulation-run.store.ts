import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { SimulationRunEntity } from './simulation-run.entity.js';

/** Reads SimulationRun rows from the simulation schema. */
export class SimulationRunStore {
  private readonly repo: Repository<SimulationRunEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(SimulationRunEntity);
  }

  findById(id: string): Promise<SimulationRunEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<SimulationRunEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
