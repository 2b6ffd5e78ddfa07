import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { TestRunEntity } from './test-run.entity.js';

/** Reads TestRun rows from the tests schema. */
export class TestRunStore {
  private readonly repo: Repository<TestRunEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(TestRunEntity);
  }

  findById(id: string): Promise<TestRunEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<TestRunEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
