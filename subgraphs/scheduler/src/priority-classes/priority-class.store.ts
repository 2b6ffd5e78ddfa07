import { In, type DataSource } from 'typeorm';
import { inTenant, isUuid } from '@aitip/kit';
import { PriorityClassEntity } from './priority-class.entity.js';

/**
 * Reads PriorityClass rows from the scheduler schema. Priority classes are platform-wide levels, not tenant data:
 * every organization sees them (read-only, through the tenant role); a caller outside any organization sees none.
 */
export class PriorityClassStore {
  constructor(private readonly db: DataSource) {}

  /** The PriorityClass `id`, or null when there is none or the caller acts in no organization. */
  async findById(orgId: string | undefined, id: string): Promise<PriorityClassEntity | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    return inTenant(this.db, orgId, (manager) => manager.findOneBy(PriorityClassEntity, { id }));
  }

  /** The PriorityClass rows among `ids`, in one query; none when the caller acts in no organization. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<PriorityClassEntity[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return inTenant(this.db, orgId, (manager) => manager.findBy(PriorityClassEntity, { id: In(valid) }));
  }
}
