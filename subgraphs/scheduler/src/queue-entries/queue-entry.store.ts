import { In, type DataSource } from 'typeorm';
import { inTenant, isUuid } from '@aitip/kit';
import { QueueEntryEntity } from './queue-entry.entity.js';

/** Reads QueueEntry rows from the scheduler schema, only ever those of the caller's organization. */
export class QueueEntryStore {
  constructor(private readonly db: DataSource) {}

  /** The QueueEntry `id` of organization `orgId`; null for another organization's id or a caller without one. */
  async findById(orgId: string | undefined, id: string): Promise<QueueEntryEntity | null> {
    if (!orgId || !isUuid(orgId) || !isUuid(id)) return null;
    // The explicit org_id filter and inTenant's row-level security each keep other organizations out.
    return inTenant(this.db, orgId, (manager) => manager.findOneBy(QueueEntryEntity, { id, orgId }));
  }

  /** The QueueEntry rows among `ids` that belong to organization `orgId`, in one query. */
  async findByIds(orgId: string | undefined, ids: readonly string[]): Promise<QueueEntryEntity[]> {
    const valid = ids.filter(isUuid);
    if (!orgId || !isUuid(orgId) || valid.length === 0) return [];
    return inTenant(this.db, orgId, (manager) => manager.findBy(QueueEntryEntity, { id: In(valid), orgId }));
  }
}
