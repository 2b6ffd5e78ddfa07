import type { Bus, StreamEntry } from '@aitip/kit';
import type { AuditEventEntity } from './audit-event.entity.js';
import type { AuditEvent } from './audit-event.type.js';

/** How many recent events each organization's stream keeps for replay; older ones stay in the audit log. */
export const ORGANIZATION_EVENTS_MAX_LEN = 10_000;

/** The bus stream of one organization's stored audit events, in the order they were stored. */
export function organizationEventsStream(orgId: string): string {
  return `org:${orgId}:events`;
}

/** Appends each stored audit event of an organization to its bounded stream, for the live subscriptions. */
export class OrganizationEventFeed {
  constructor(private readonly bus: Bus) {}

  /** Appends a stored event; events outside an organization have no feed. */
  async append(event: AuditEventEntity): Promise<void> {
    if (!event.orgId) return;
    const { messageId: _messageId, createdAt, ...fields } = event;
    await this.bus.append(
      organizationEventsStream(event.orgId),
      { ...fields, createdAt: createdAt.toISOString() },
      { maxLen: ORGANIZATION_EVENTS_MAX_LEN },
    );
  }
}

/** The audit event an organization stream entry holds. */
export function auditEventFromEntry(entry: StreamEntry): AuditEvent {
  const fields = entry.entry as Omit<AuditEvent, 'createdAt'> & { createdAt: string };
  return { ...fields, createdAt: new Date(fields.createdAt) };
}
