import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A group of nodes with the same shape that jobs and deployments run on.' })
@Directive('@key(fields: "id")')
export class NodePool {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: 'Pool name.' })
  name: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
