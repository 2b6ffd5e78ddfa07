import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A safety scenario that probes a model or deployment.' })
@Directive('@key(fields: "id")')
export class Scenario {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => String, { description: 'Name, unique within the organization.' })
  name: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
