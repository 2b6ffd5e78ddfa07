import { In, type DataSource } from 'typeorm';
import { inTenant, isUuid } from '@aitip/kit';
import { SimulationRunEntity } from './simulation-run.entity.js';

/** Reads SimulationRun rows from the simulation schema, only ever those of the caller's organization. */
export class SimulationRunStore {
  constructor(private readonly db: DataSource) {}

  /** The SimulationRun `id` of organization `orgId`; null for another organization's id or a caller without one. */
  async findById(orgId: string | undefined, id: string): Promise<SimulationRunEntity | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    // The explicit org_id filter and inTenant's row-level security each keep other organizations out.
    return inTenant(this.db, orgId, (manager) => manager.findOneBy(SimulationRunEntity, { id, orgId }));
  }

  /** The SimulationRun rows among `ids` that belong to organization `orgId`, in one query. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<SimulationRunEntity[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return inTenant(this.db, orgId, (manager) => manager.findBy(SimulationRunEntity, { id: In(valid), orgId }));
  }
}
