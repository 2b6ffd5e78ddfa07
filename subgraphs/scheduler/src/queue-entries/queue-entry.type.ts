import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A training job waiting for, or holding, an admission decision.' })
@Directive('@key(fields: "id")')
export class QueueEntry {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => ID, { description: 'The training job this entry admits.' })
  jobId: string;

  @Field(() => Int, { description: 'Effective priority; higher runs first.' })
  priority: number;

  @Field(() => String, { description: 'Where the entry is in the queue.' })
  state: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
