import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A machine in a node pool.' })
@Directive('@key(fields: "id")')
export class Node {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The pool the node belongs to.' })
  poolId: string;

  @Field(() => String, { description: 'Host name.' })
  name: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
