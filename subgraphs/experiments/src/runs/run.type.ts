import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One execution of training code, with its params, metrics, tags and artifacts.' })
@Directive('@key(fields: "id")')
export class Run {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => ID, { description: 'The experiment this run belongs to.' })
  experimentId: string;

  @Field(() => String, { nullable: true, description: 'Run name.' })
  name: string | null;

  @Field(() => String, { description: 'RUNNING, SCHEDULED, FINISHED, FAILED or KILLED.' })
  status: string;

  @Field(() => Date, { nullable: true, description: 'When the run started.' })
  startedAt: Date | null;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
