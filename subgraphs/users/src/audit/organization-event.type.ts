import { Field, ObjectType } from 'type-graphql';
import { AuditEvent } from './audit-event.type.js';

@ObjectType({ description: 'An audit event as it is stored, with its position in the live feed.' })
export class AuditEventAdded {
  @Field(() => String, { description: 'Pass as `after` to resume the subscription right after this event.' })
  cursor: string;

  @Field(() => AuditEvent)
  event: AuditEvent;
}

@ObjectType({ description: 'Something that happened in the organization, as every member sees it.' })
export class OrganizationEvent {
  @Field(() => String, { description: 'Pass as `after` to resume the subscription right after this event.' })
  cursor: string;

  @Field(() => String, { description: 'What was done, e.g. member.invite or apiKey.revoke.' })
  action: string;

  @Field(() => String, { description: 'user, service (an API key), system or anonymous.' })
  actorKind: string;

  @Field(() => String, { nullable: true, description: 'The user id, or the API key id for an API key.' })
  actorId: string | null;

  @Field(() => String, { nullable: true, description: 'The kind of object acted on, e.g. ApiKey.' })
  targetType: string | null;

  @Field(() => String, { nullable: true, description: 'The id (or name) of the object acted on.' })
  targetId: string | null;

  @Field(() => String, { description: 'success or failure.' })
  result: string;

  @Field(() => Date, { description: 'When it happened.' })
  createdAt: Date;
}
