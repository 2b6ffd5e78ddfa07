import { In, type DataSource } from 'typeorm';
import { inTenant, isUuid } from '@aitip/kit';
import { NodePoolEntity } from './node-pool.entity.js';

/**
 * Reads NodePool rows from the resources schema. Node pools are the platform's shared hardware, not tenant data:
 * every organization sees them (read-only, through the tenant role); a caller outside any organization sees none.
 */
export class NodePoolStore {
  constructor(private readonly db: DataSource) {}

  /** The NodePool `id`, or null when there is none or the caller acts in no organization. */
  async findById(orgId: string | undefined, id: string): Promise<NodePoolEntity | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    return inTenant(this.db, orgId, (manager) => manager.findOneBy(NodePoolEntity, { id }));
  }

  /** The NodePool rows among `ids`, in one query; none when the caller acts in no organization. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<NodePoolEntity[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return inTenant(this.db, orgId, (manager) => manager.findBy(NodePoolEntity, { id: In(valid) }));
  }
}
