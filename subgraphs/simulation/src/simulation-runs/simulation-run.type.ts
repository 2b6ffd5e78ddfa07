import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One execution of a scenario against a target.' })
@Directive('@key(fields: "id")')
export class SimulationRun {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => ID, { description: 'The scenario that ran.' })
  scenarioId: string;

  @Field(() => String, { description: 'Run status.' })
  status: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
