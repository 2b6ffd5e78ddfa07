import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A named model whose versions are registered, tested, promoted and released.' })
@Directive('@key(fields: "id")')
export class RegisteredModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => String, { description: 'Name, unique within the organization.' })
  name: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
