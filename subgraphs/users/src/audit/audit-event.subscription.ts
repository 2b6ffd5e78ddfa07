import { Arg, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { requireOrg, Requires, type ServiceContext, type StreamEntry } from '@aitip/kit';
import { AuditEventAdded, OrganizationEvent } from './organization-event.type.js';
import { auditEventFromEntry, organizationEventsStream } from './organization-events.js';

type StreamSubscribeData = SubscribeResolverData<unknown, { after?: string | null }, ServiceContext>;

// The organization comes from the verified identity, never from an argument, so no caller can follow another tenant.
const callerOrganizationStream = ({ context }: StreamSubscribeData) =>
  organizationEventsStream(requireOrg(context.identity));
const resumeAfter = ({ args }: StreamSubscribeData) => args.after ?? undefined;

const AFTER = { nullable: true, description: 'Replay the events after this cursor first, then follow new ones.' };

/** Live feeds of the active organization's audit events, replayable from a cursor (see kit streams). */
@Resolver()
export class AuditEventSubscriptionResolver {
  @Subscription(() => AuditEventAdded, {
    description: "The active organization's audit events as they are stored, each with its cursor.",
    topics: callerOrganizationStream,
    topicId: resumeAfter,
  })
  @Requires('audit:read')
  auditEventAdded(
    @Root() entry: StreamEntry,
    @Arg('after', () => String, AFTER) _after: string | null,
  ): AuditEventAdded {
    return { cursor: entry.id, event: auditEventFromEntry(entry) };
  }

  @Subscription(() => OrganizationEvent, {
    description: 'What happens in the active organization (who did what to which object), for every member.',
    topics: callerOrganizationStream,
    topicId: resumeAfter,
  })
  @Requires('members:read')
  organizationEvents(
    @Root() entry: StreamEntry,
    @Arg('after', () => String, AFTER) _after: string | null,
  ): OrganizationEvent {
    const { action, actorKind, actorId, targetType, targetId, result, createdAt } = auditEventFromEntry(entry);
    return { cursor: entry.id, action, actorKind, actorId, targetType, targetId, result, createdAt };
  }
}
