import { In, type DataSource, type Repository } from 'typeorm';
import { isUuid } from '@aitip/kit';
import { TestSuiteEntity } from './test-suite.entity.js';

/** Reads TestSuite rows from the tests schema. */
export class TestSuiteStore {
  private readonly repo: Repository<TestSuiteEntity>;

  constructor(db: DataSource) {
    this.repo = db.getRepository(TestSuiteEntity);
  }

  findById(id: string): Promise<TestSuiteEntity | null> {
    return isUuid(id) ? this.repo.findOneBy({ id }) : Promise.resolve(null);
  }

  findByIds(ids: readonly string[]): Promise<TestSuiteEntity[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.repo.findBy({ id: In(valid) }) : Promise.resolve([]);
  }
}
