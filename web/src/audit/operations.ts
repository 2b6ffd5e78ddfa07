import { operation } from '../graphql/operations';

export interface AuditEvent {
  id: string;
  actorKind: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  result: string;
  errorCode: string | null;
  requestId: string | null;
  service: string;
  clientIp: string | null;
  createdAt: string;
}

/** The filters `auditEvents` takes; empty ones are left out. */
export interface AuditEventFilter {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  result?: string;
  since?: string;
  until?: string;
}

/** Events per page ("Load more" fetches the next this many). */
export const AUDIT_PAGE_SIZE = 50;

export const AUDIT_EVENTS = operation<
  {
    auditEvents: {
      edges: { cursor: string; node: AuditEvent }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  },
  { filter: AuditEventFilter; first: number; after: string | null }
>(`
  query AuditEvents($filter: AuditEventFilter, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id actorKind actorId action targetType targetId result errorCode requestId service clientIp createdAt
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
