import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A named set of model test cases.' })
@Directive('@key(fields: "id")')
export class TestSuite {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => String, { description: 'Name, unique within the organization.' })
  name: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
