import { In, type DataSource } from 'typeorm';
import { inTenant, isUuid } from '@aitip/kit';
import { NodeEntity } from './node.entity.js';

/**
 * Reads Node rows from the resources schema. Nodes are the platform's shared hardware, not tenant data:
 * every organization sees them (read-only, through the tenant role); a caller outside any organization sees none.
 */
export class NodeStore {
  constructor(private readonly db: DataSource) {}

  /** The Node `id`, or null when there is none or the caller acts in no organization. */
  async findById(orgId: string | undefined, id: string): Promise<NodeEntity | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    return inTenant(this.db, orgId, (manager) => manager.findOneBy(NodeEntity, { id }));
  }

  /** The Node rows among `ids`, in one query; none when the caller acts in no organization. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<NodeEntity[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return inTenant(this.db, orgId, (manager) => manager.findBy(NodeEntity, { id: In(valid) }));
  }
}
