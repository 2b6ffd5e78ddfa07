import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { AuditEvent, AuditEventConnection } from './audit-event.type.js';
import { AuditEventFilter } from './audit-event.input.js';
import type { AuditEventService } from './audit-event.service.js';

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  constructor(private readonly service: AuditEventService) {}

  @Query(() => AuditEventConnection, { description: "The active organization's audit log, newest first." })
  @Requires('audit:read')
  auditEvents(
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: 'How many events (1 to 200).' })
    first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'Continue after this cursor.' }) after: string | null,
    @Ctx() ctx: ServiceContext,
  ): Promise<AuditEventConnection> {
    return this.service.page(ctx.identity, filter, first ?? 50, after);
  }
}
