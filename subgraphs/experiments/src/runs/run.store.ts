import { In, type DataSource } from 'typeorm';
import { inTenant, isUuid } from '@aitip/kit';
import { RunEntity } from './run.entity.js';

/** Reads Run rows from the experiments schema, only ever those of the caller's organization. */
export class RunStore {
  constructor(private readonly db: DataSource) {}

  /** The Run `id` of organization `orgId`; null for another organization's id or a caller without one. */
  async findById(orgId: string | undefined, id: string): Promise<RunEntity | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    // The explicit org_id filter and inTenant's row-level security each keep other organizations out.
    return inTenant(this.db, orgId, (manager) => manager.findOneBy(RunEntity, { id, orgId }));
  }

  /** The Run rows among `ids` that belong to organization `orgId`, in one query. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<RunEntity[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return inTenant(this.db, orgId, (manager) => manager.findBy(RunEntity, { id: In(valid), orgId }));
  }
}
