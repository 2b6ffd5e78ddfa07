import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A conversation between a user and the AITIP agent.' })
@Directive('@key(fields: "id")')
export class Conversation {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => String, { description: 'Title shown in the conversation list.' })
  title: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
