import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A served model endpoint speaking the Open Inference Protocol v2.' })
@Directive('@key(fields: "id")')
export class Deployment {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => String, { description: 'Endpoint name, unique within the organization.' })
  name: string;

  @Field(() => String, { description: 'Serving status.' })
  status: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
