import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An immutable version of a dataset: its files and their content hash.' })
@Directive('@key(fields: "id")')
export class DatasetVersion {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => ID, { description: 'The dataset this version belongs to.' })
  datasetId: string;

  @Field(() => Int, { description: 'Version number within the dataset, from 1.' })
  version: number;

  @Field(() => String, { description: 'Validation status.' })
  status: string;

  @Field(() => String, { nullable: true, description: 'sha256 of the version manifest once the upload is complete.' })
  contentHash: string | null;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}
