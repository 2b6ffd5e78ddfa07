import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A request to run training code on a backend, with its attempts.' })
@Directive('@key(fields: "id")')
export class TrainingJob {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => String, { description: 'Job name.' })
  name: string;

  @Field(() => String, { description: 'Lifecycle status, from PENDING to SUCCEEDED, FAILED, CANCELLED or TIMED_OUT.' })
  status: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
