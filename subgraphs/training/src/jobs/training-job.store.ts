import { In, type DataSource } from 'typeorm';
import { inTenant, isUuid } from '@aitip/kit';
import { TrainingJobEntity } from './training-job.entity.js';

/** Reads TrainingJob rows from the training schema, only ever those of the caller's organization. */
export class TrainingJobStore {
  constructor(private readonly db: DataSource) {}

  /** The TrainingJob `id` of organization `orgId`; null for another organization's id or a caller without one. */
  async findById(orgId: string | undefined, id: string): Promise<TrainingJobEntity | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    // The explicit org_id filter and inTenant's row-level security each keep other organizations out.
    return inTenant(this.db, orgId, (manager) => manager.findOneBy(TrainingJobEntity, { id, orgId }));
  }

  /** The TrainingJob rows among `ids` that belong to organization `orgId`, in one query. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<TrainingJobEntity[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return inTenant(this.db, orgId, (manager) => manager.findBy(TrainingJobEntity, { id: In(valid), orgId }));
  }
}
