import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One audited action: who did what to which object, and whether it worked.' })
export class AuditEvent {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { nullable: true, description: 'The organization it happened in.' })
  orgId: string | null;

  @Field(() => String, { description: 'user, service (an API key), system or anonymous.' })
  actorKind: string;

  @Field(() => String, { nullable: true, description: 'The user id, or the API key id for an API key.' })
  actorId: string | null;

  @Field(() => String, { description: 'What was done, e.g. member.invite or apiKey.revoke.' })
  action: string;

  @Field(() => String, { nullable: true, description: 'The kind of object acted on, e.g. ApiKey.' })
  targetType: string | null;

  @Field(() => String, { nullable: true, description: 'The id (or name) of the object acted on.' })
  targetId: string | null;

  @Field(() => String, { description: 'success or failure.' })
  result: string;

  @Field(() => String, { nullable: true, description: 'The error code of a failure, e.g. FORBIDDEN.' })
  errorCode: string | null;

  @Field(() => String, { nullable: true, description: 'The request it happened in, to find it in the logs.' })
  requestId: string | null;

  @Field(() => String, { description: 'The service that performed it.' })
  service: string;

  @Field(() => String, { nullable: true, description: "The client's IP address." })
  clientIp: string | null;

  @Field(() => Date, { description: 'When it happened.' })
  createdAt: Date;
}

@ObjectType({ description: 'One audit event and its cursor.' })
export class AuditEventEdge {
  @Field(() => String, { description: 'Pass as `after` to continue after this event.' })
  cursor: string;

  @Field(() => AuditEvent)
  node: AuditEvent;
}

@ObjectType({ description: 'Where a page of a list ends.' })
@Directive('@shareable')
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow.' })
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: "The last item's cursor, to pass as `after`." })
  endCursor: string | null;
}

@ObjectType({ description: 'A page of audit events, newest first.' })
export class AuditEventConnection {
  @Field(() => [AuditEventEdge])
  edges: AuditEventEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}
