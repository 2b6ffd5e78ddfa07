import { Field, InputType } from 'type-graphql';

@InputType({ description: 'Which audit events to list; every given field must match.' })
export class AuditEventFilter {
  @Field(() => String, { nullable: true, description: 'Exactly this action, e.g. member.invite.' })
  action?: string | null;

  @Field(() => String, { nullable: true, description: 'Done by this user or API key id.' })
  actorId?: string | null;

  @Field(() => String, { nullable: true, description: 'On this kind of object, e.g. ApiKey.' })
  targetType?: string | null;

  @Field(() => String, { nullable: true, description: 'On the object with this id (or name).' })
  targetId?: string | null;

  @Field(() => String, { nullable: true, description: 'success or failure.' })
  result?: string | null;

  @Field(() => Date, { nullable: true, description: 'At or after this time.' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Before this time.' })
  until?: Date | null;
}
