import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A named priority level that jobs select.' })
@Directive('@key(fields: "id")')
export class PriorityClass {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: 'Name, e.g. `high`.' })
  name: string;

  @Field(() => Int, { description: 'Priority value; higher is admitted first.' })
  value: number;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
