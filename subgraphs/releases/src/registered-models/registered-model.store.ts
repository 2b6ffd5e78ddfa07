import { In, type DataSource } from 'typeorm';
import { inTenant, isUuid } from '@aitip/kit';
import { RegisteredModelEntity } from './registered-model.entity.js';

/** Reads RegisteredModel rows from the releases schema, only ever those of the caller's organization. */
export class RegisteredModelStore {
  constructor(private readonly db: DataSource) {}

  /** The RegisteredModel `id` of organization `orgId`; null for another organization's id or a caller without one. */
  async findById(orgId: string | undefined, id: string): Promise<RegisteredModelEntity | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    // The explicit org_id filter and inTenant's row-level security each keep other organizations out.
    return inTenant(this.db, orgId, (manager) => manager.findOneBy(RegisteredModelEntity, { id, orgId }));
  }

  /** The RegisteredModel rows among `ids` that belong to organization `orgId`, in one query. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<RegisteredModelEntity[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return inTenant(this.db, orgId, (manager) => manager.findBy(RegisteredModelEntity, { id: In(valid), orgId }));
  }
}
