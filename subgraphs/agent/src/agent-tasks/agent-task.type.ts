import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: "Long-running work the agent started on a user's behalf." })
@Directive('@key(fields: "id")')
export class AgentTask {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => String, { description: 'Task status.' })
  status: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
