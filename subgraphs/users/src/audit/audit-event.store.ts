import type { DataSource } from 'typeorm';
import { inTenant, type AuditEvent } from '@aitip/kit';
import { AuditEventEntity } from './audit-event.entity.js';

/** Conditions on the audit log; each becomes one parameterized clause. */
export interface AuditEventQuery {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  result?: string;
  since?: Date;
  until?: Date;
  /** Only events with a smaller id (the cursor). */
  beforeId?: string;
  limit: number;
}

/** The audit log: appended by the queue consumer (owner connection), read per organization. */
export class AuditEventStore {
  constructor(private readonly db: DataSource) {}

  /** Stores an event once per queue message; returns the stored row, or null when the message was stored before. */
  async append(messageId: string, event: AuditEvent): Promise<AuditEventEntity | null> {
    const rows = (await this.db.query(
      `INSERT INTO users.audit_events
         (message_id, org_id, actor_kind, actor_id, action, target_type, target_id, result, error_code,
          request_id, service, client_ip, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (message_id) DO NOTHING
       RETURNING *`,
      [
        messageId,
        event.orgId ?? null,
        event.actorKind,
        event.actorId ?? null,
        event.action,
        event.targetType ?? null,
        event.targetId ?? null,
        event.result,
        event.errorCode ?? null,
        event.requestId ?? null,
        event.service,
        event.clientIp ?? null,
        event.at,
      ],
    )) as AuditRow[];
    return rows[0] ? toEntity(rows[0]) : null;
  }

  /** `orgId`'s events matching `query`, newest first. */
  page(orgId: string, query: AuditEventQuery): Promise<AuditEventEntity[]> {
    const params: unknown[] = [orgId];
    const where = ['e.org_id = $1'];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (query.action !== undefined) add((p) => `e.action = ${p}`, query.action);
    if (query.actorId !== undefined) add((p) => `e.actor_id = ${p}`, query.actorId);
    if (query.targetType !== undefined) add((p) => `e.target_type = ${p}`, query.targetType);
    if (query.targetId !== undefined) add((p) => `e.target_id = ${p}`, query.targetId);
    if (query.result !== undefined) add((p) => `e.result = ${p}`, query.result);
    if (query.since !== undefined) add((p) => `e.created_at >= ${p}`, query.since);
    if (query.until !== undefined) add((p) => `e.created_at < ${p}`, query.until);
    if (query.beforeId !== undefined) add((p) => `e.id < ${p}::bigint`, query.beforeId);
    params.push(query.limit);
    const sql = `SELECT e.* FROM users.audit_events e WHERE ${where.join(' AND ')} ORDER BY e.id DESC LIMIT $${params.length}`;
    return inTenant(this.db, orgId, async (m) => {
      const rows = (await m.query(sql, params)) as AuditRow[];
      return rows.map(toEntity);
    });
  }
}

interface AuditRow {
  id: string;
  message_id: string | null;
  org_id: string | null;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  result: string;
  error_code: string | null;
  request_id: string | null;
  service: string;
  client_ip: string | null;
  created_at: Date | string;
}

function toEntity(row: AuditRow): AuditEventEntity {
  return Object.assign(new AuditEventEntity(), {
    id: String(row.id),
    messageId: row.message_id,
    orgId: row.org_id,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    result: row.result,
    errorCode: row.error_code,
    requestId: row.request_id,
    service: row.service,
    clientIp: row.client_ip,
    createdAt: new Date(row.created_at),
  });
}
