import { InputError, requireOrg, type Identity } from '@aitip/kit';
import type { AuditEventStore } from './audit-event.store.js';
import type { AuditEventFilter } from './audit-event.input.js';
import type { AuditEvent, AuditEventConnection } from './audit-event.type.js';
import type { AuditEventEntity } from './audit-event.entity.js';

const MAX_PAGE = 200;

/** Reading the audit log of the active organization, newest first, a page at a time. */
export class AuditEventService {
  constructor(private readonly store: AuditEventStore) {}

  async page(
    identity: Identity,
    filter: AuditEventFilter | null | undefined,
    first: number,
    after: string | null | undefined,
  ): Promise<AuditEventConnection> {
    const orgId = requireOrg(identity);
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw new InputError(`first must be between 1 and ${MAX_PAGE}; page with \`after\` for more.`, {
        field: 'first',
      });
    }
    const rows = await this.store.page(orgId, {
      action: filter?.action ?? undefined,
      actorId: filter?.actorId ?? undefined,
      targetType: filter?.targetType ?? undefined,
      targetId: filter?.targetId ?? undefined,
      result: filter?.result ?? undefined,
      since: filter?.since ?? undefined,
      until: filter?.until ?? undefined,
      beforeId: after ? decodeCursor(after) : undefined,
      limit: first + 1,
    });
    const page = rows.slice(0, first);
    const edges = page.map((row) => ({ cursor: encodeCursor(row.id), node: toAuditEvent(row) }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }
}

/** An opaque cursor: the event id in base64url. */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[1-9][0-9]{0,18}$/.test(id)) {
    throw new InputError('This cursor is not valid; pass a pageInfo.endCursor from a previous page.', {
      field: 'after',
    });
  }
  return id;
}

function toAuditEvent(row: AuditEventEntity): AuditEvent {
  const { messageId: _messageId, ...event } = row;
  return event;
}
