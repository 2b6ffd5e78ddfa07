import { UseMiddleware, type MiddlewareFn } from 'type-graphql';
import { GraphQLError } from 'graphql';
import type { Identity } from './identity.js';
import type { Logger } from './log.js';
import type { Queue } from './queue/index.js';
import { currentRequestId } from './request-scope.js';

/** The durable queue every service sends audit events to; the users subgraph stores them. */
export const AUDIT_QUEUE = 'aitip.audit';

/** One audited action, as stored and shown on the audit page. */
export interface AuditEvent {
  /** The organization the action happened in (absent for sign-up and log-in before one is chosen). */
  orgId?: string;
  actorKind: Identity['kind'];
  /** The user id, or the API key id for kind `service`. */
  actorId?: string;
  /** Dotted verb, e.g. `dataset.create`, `member.invite`, `apiKey.revoke`. */
  action: string;
  targetType?: string;
  targetId?: string;
  result: 'success' | 'failure';
  /** The error code of a failure, e.g. `FORBIDDEN`. */
  errorCode?: string;
  requestId?: string;
  /** The service that performed it. */
  service: string;
  clientIp?: string;
  /** When it happened (ISO 8601). */
  at: string;
}

/** Where a service sends its audit events. */
export interface AuditSink {
  record(event: AuditEvent): Promise<void>;
}

/** Sends audit events on the durable audit queue. */
export class QueueAuditSink implements AuditSink {
  constructor(
    private readonly queue: Queue,
    private readonly log: Logger,
  ) {}

  async record(event: AuditEvent): Promise<void> {
    try {
      await this.queue.send(AUDIT_QUEUE, event, { requestId: event.requestId });
    } catch (err) {
      // the action itself already happened; losing its audit line must not fail the request
      this.log.error({ err, event }, 'could not send an audit event');
    }
  }
}

/** Builds the audit event for `identity` doing `action`. */
export function auditEventOf(
  identity: Identity,
  service: string,
  action: string,
  target: { type?: string; id?: string; orgId?: string },
  outcome: { error?: unknown } = {},
): AuditEvent {
  const errorCode =
    outcome.error instanceof GraphQLError ? String(outcome.error.extensions?.['code'] ?? 'INTERNAL') : 'INTERNAL';
  return {
    orgId: target.orgId ?? identity.orgId,
    actorKind: identity.kind,
    actorId: identity.kind === 'service' ? identity.apiKeyId : identity.userId,
    action,
    targetType: target.type,
    targetId: target.id,
    result: outcome.error === undefined ? 'success' : 'failure',
    ...(outcome.error === undefined ? {} : { errorCode }),
    requestId: currentRequestId(),
    service,
    clientIp: identity.clientIp,
    at: new Date().toISOString(),
  };
}

/** What an audited resolver's context carries. */
export interface AuditContext {
  identity: Identity;
  audit?: { sink: AuditSink; service: string };
}

/** Picks the target's id (and, when it differs from the caller's, its organization) from args and result. */
export type AuditTarget = (
  args: Record<string, unknown>,
  result: unknown,
) => { id?: string; orgId?: string } | undefined;

const defaultTarget: AuditTarget = (args, result) => {
  const fromResult = (result as { id?: unknown } | null | undefined)?.id;
  if (typeof fromResult === 'string') return { id: fromResult };
  const fromArgs = args['id'];
  return typeof fromArgs === 'string' ? { id: fromArgs } : undefined;
};

/** The target of a failed call: what `target` can tell from the arguments alone (it may expect a result). */
function targetOnFailure(target: AuditTarget, args: Record<string, unknown>): ReturnType<AuditTarget> {
  try {
    return target(args, undefined);
  } catch {
    return undefined;
  }
}

/**
 * Records an audit event for every call of a mutation, successful or not — one line per resolver:
 * `@Audited('dataset.create', 'Dataset')`. The target id is the result's `id` or the `id` argument
 * unless `target` picks another.
 */
export function Audited(action: string, targetType?: string, target: AuditTarget = defaultTarget): MethodDecorator {
  const middleware: MiddlewareFn<AuditContext> = async ({ context, args }, next) => {
    const audit = context.audit;
    let result: unknown;
    try {
      result = await next();
    } catch (error) {
      if (audit) {
        const picked = targetOnFailure(target, args) ?? defaultTarget(args, undefined);
        await audit.sink.record(
          auditEventOf(context.identity, audit.service, action, { type: targetType, ...picked }, { error }),
        );
      }
      throw error;
    }
    if (audit) {
      const picked = target(args, result) ?? {};
      await audit.sink.record(auditEventOf(context.identity, audit.service, action, { type: targetType, ...picked }));
    }
    return result;
  };
  return UseMiddleware(middleware);
}
