import { In, type DataSource } from 'typeorm';
import { inTenant, isUuid } from '@aitip/kit';
import { AgentTaskEntity } from './agent-task.entity.js';

/** Reads AgentTask rows from the agent schema, only ever those of the caller's organization. */
export class AgentTaskStore {
  constructor(private readonly db: DataSource) {}

  /** The AgentTask `id` of organization `orgId`; null for another organization's id or a caller without one. */
  async findById(orgId: string | undefined, id: string): Promise<AgentTaskEntity | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    // The explicit org_id filter and inTenant's row-level security each keep other organizations out.
    return inTenant(this.db, orgId, (manager) => manager.findOneBy(AgentTaskEntity, { id, orgId }));
  }

  /** The AgentTask rows among `ids` that belong to organization `orgId`, in one query. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<AgentTaskEntity[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return inTenant(this.db, orgId, (manager) => manager.findBy(AgentTaskEntity, { id: In(valid), orgId }));
  }
}
