import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A group of runs that try to answer one question.' })
@Directive('@key(fields: "id")')
export class Experiment {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => String, { description: 'Name, unique within the organization.' })
  name: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
