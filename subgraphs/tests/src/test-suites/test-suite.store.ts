import { In, type DataSource } from 'typeorm';
import { inTenant, isUuid } from '@aitip/kit';
import { TestSuiteEntity } from './test-suite.entity.js';

/** Reads TestSuite rows from the tests schema, only ever those of the caller's organization. */
export class TestSuiteStore {
  constructor(private readonly db: DataSource) {}

  /** The TestSuite `id` of organization `orgId`; null for another organization's id or a caller without one. */
  async findById(orgId: string | undefined, id: string): Promise<TestSuiteEntity | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    // The explicit org_id filter and inTenant's row-level security each keep other organizations out.
    return inTenant(this.db, orgId, (manager) => manager.findOneBy(TestSuiteEntity, { id, orgId }));
  }

  /** The TestSuite rows among `ids` that belong to organization `orgId`, in one query. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<TestSuiteEntity[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return inTenant(this.db, orgId, (manager) => manager.findBy(TestSuiteEntity, { id: In(valid), orgId }));
  }
}
