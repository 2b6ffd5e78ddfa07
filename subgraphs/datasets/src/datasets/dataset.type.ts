import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum DatasetStatus {
  EMPTY = 'EMPTY',
  VALIDATING = 'VALIDATING',
  READY = 'READY',
  INVALID = 'INVALID',
}
registerEnumType(DatasetStatus, {
  name: 'DatasetStatus',
  description: 'Where a dataset stands, from its versions and its latest upload.',
  valuesConfig: {
    EMPTY: { description: 'No version yet and no upload being validated.' },
    VALIDATING: { description: 'An upload is being validated.' },
    READY: { description: 'It has at least one version.' },
    INVALID: { description: 'No version, and its latest upload was invalid.' },
  },
});

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

  @Field(() => [String], { description: 'Free-form labels to find it by.' })
  tags: string[];

  @Field(() => DatasetStatus)
  status: DatasetStatus;

  @Field(() => String, {
    nullable: true,
    description: 'Format of the latest version (CSV, PARQUET, IMAGE_ARCHIVE, …).',
  })
  format: string | null;

  @Field(() => Int, { description: 'Versions kept (not deleted).' })
  versionCount: number;

  @Field(() => String, { nullable: true, description: 'User or API key id that created it.' })
  createdBy: string | null;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;

  @Field(() => Date, { description: 'When it or its versions last changed.' })
  updatedAt: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'When it was deleted; it can be restored until the retention period ends.',
  })
  deletedAt: Date | null;
}

@ObjectType({ description: 'A page of datasets, newest first.' })
export class DatasetPage {
  @Field(() => [Dataset])
  items: Dataset[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last page.' })
  nextCursor: string | null;
}
