import { AUDIT_QUEUE, type AuditEvent, type Logger, type Queue, type QueueConsumer } from '@aitip/kit';
import type { AuditEventStore } from './audit-event.store.js';

/** Stores every audit event sent on the durable audit queue, once per message. */
export async function consumeAuditEvents(queue: Queue, store: AuditEventStore, log: Logger): Promise<QueueConsumer> {
  return queue.consume(AUDIT_QUEUE, async (message) => {
    const event = message.payload as Partial<AuditEvent> | null;
    if (!isAuditEvent(event)) {
      // retrying cannot make it valid; keep the queue moving and leave a trace
      log.error({ messageId: message.id, payload: message.payload }, 'dropped a malformed audit event');
      return;
    }
    await store.append(message.id, event);
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
