import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One execution of a test suite against a model version.' })
@Directive('@key(fields: "id")')
export class TestRun {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => ID, { description: 'The suite that ran.' })
  suiteId: string;

  @Field(() => String, { description: 'Run status.' })
  status: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
