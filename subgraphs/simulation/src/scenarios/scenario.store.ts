import { In, type DataSource } from 'typeorm';
import { inTenant, isUuid } from '@aitip/kit';
import { ScenarioEntity } from './scenario.entity.js';

/** Reads Scenario rows from the simulation schema, only ever those of the caller's organization. */
export class ScenarioStore {
  constructor(private readonly db: DataSource) {}

  /** The Scenario `id` of organization `orgId`; null for another organization's id or a caller without one. */
  async findById(orgId: string | undefined, id: string): Promise<ScenarioEntity | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    // The explicit org_id filter and inTenant's row-level security each keep other organizations out.
    return inTenant(this.db, orgId, (manager) => manager.findOneBy(ScenarioEntity, { id, orgId }));
  }

  /** The Scenario rows among `ids` that belong to organization `orgId`, in one query. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<ScenarioEntity[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return inTenant(this.db, orgId, (manager) => manager.findBy(ScenarioEntity, { id: In(valid), orgId }));
  }
}
