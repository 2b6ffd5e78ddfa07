import { In, type DataSource } from 'typeorm';
import { inTenant, isUuid } from '@aitip/kit';
import { DatasetVersionEntity } from './dataset-version.entity.js';

/** Reads DatasetVersion rows from the datasets schema, only ever those of the caller's organization. */
export class DatasetVersionStore {
  constructor(private readonly db: DataSource) {}

  /** The DatasetVersion `id` of organization `orgId`; null for another organization's id or a caller without one. */
  async findById(orgId: string | undefined, id: string): Promise<DatasetVersionEntity | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    // The explicit org_id filter and inTenant's row-level security each keep other organizations out.
    return inTenant(this.db, orgId, (manager) => manager.findOneBy(DatasetVersionEntity, { id, orgId }));
  }

  /** The DatasetVersion rows among `ids` that belong to organization `orgId`, in one query. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<DatasetVersionEntity[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return inTenant(this.db, orgId, (manager) => manager.findBy(DatasetVersionEntity, { id: In(valid), orgId }));
  }
}
