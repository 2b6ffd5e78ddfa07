import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A named collection of data whose content lives in immutable versions.' })
@Directive('@key(fields: "id")')
export class Dataset {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => String, { description: 'Name, unique within the organization.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'What the data is.' })
  description: string | null;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
