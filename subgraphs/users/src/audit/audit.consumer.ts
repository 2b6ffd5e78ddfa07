import { AUDIT_QUEUE, type AuditEvent, type Logger, type Queue, type QueueConsumer } from '@aitip/kit';
import type { AuditEventStore } from './audit-event.store.js';
import type { OrganizationEventFeed } from './organization-events.js';

/** Stores every audit event sent on the durable audit queue, once per message, and feeds it to its organization's stream. */
export async function consumeAuditEvents(
  queue: Queue,
  store: AuditEventStore,
  feed: OrganizationEventFeed,
  log: Logger,
): Promise<QueueConsumer> {
  return queue.consume(AUDIT_QUEUE, async (message) => {
    const event = message.payload as Partial<AuditEvent> | null;
    if (!isAuditEvent(event)) {
      // retrying cannot make it valid; keep the queue moving and leave a trace
      log.error({ messageId: message.id, payload: message.payload }, 'dropped a malformed audit event');
      return;
    }
    const stored = await store.append(message.id, event);
    // A redelivered message was stored (and almost always streamed) before; streaming it again would duplicate it
    // in the live feed. The rare event whose append failed after the insert stays in the audit log only.
    if (stored) await feed.append(stored);
  });
}

function isAuditEvent(event: Partial<AuditEvent> | null): event is AuditEvent {
  return (
    !!event &&
    typeof event.action === 'string' &&
    typeof event.actorKind === 'string' &&
    (event.result === 'success' || event.result === 'failure') &&
    typeof event.service === 'string' &&
    typeof event.at === 'string' &&
    !Number.isNaN(Date.parse(event.at)) &&
    (event.orgId === undefined || event.orgId === null || /^[0-9a-f-]{36}$/i.test(event.orgId))
  );
}
