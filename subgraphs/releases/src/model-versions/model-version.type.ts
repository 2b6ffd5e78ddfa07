import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One registered version of a model, with its lineage.' })
@Directive('@key(fields: "id")')
export class ModelVersion {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => ID, { description: 'The registered model.' })
  modelId: string;

  @Field(() => Int, { description: 'Version number within the model, from 1.' })
  version: number;

  @Field(() => String, { description: 'Lifecycle status.' })
  status: string;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
