import { Field, InputType, Int } from 'type-graphql';
import { DatasetStatus } from './dataset.type.js';

@InputType({ description: 'A new dataset.' })
export class CreateDatasetInput {
  @Field(() => String, { description: 'Unique within the organization; letters, digits, ".", "_" and "-".' })
  name: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;
}

@InputType({ description: 'Changes to a dataset; omitted fields stay as they are.' })
export class UpdateDatasetInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], { nullable: true, description: 'Replaces the tags.' })
  tags?: string[] | null;
}

@InputType({ description: 'Which datasets to list; every condition given must hold.' })
export class DatasetFilter {
  @Field(() => String, { nullable: true, description: 'Part of the name, any case.' })
  name?: string | null;

  @Field(() => [String], { nullable: true, description: 'Datasets carrying all these tags.' })
  tags?: string[] | null;

  @Field(() => String, { nullable: true, description: "The latest version's format, e.g. CSV." })
  format?: string | null;

  @Field(() => String, { nullable: true, description: 'User or API key id that created it.' })
  createdBy?: string | null;

  @Field(() => DatasetStatus, { nullable: true })
  status?: DatasetStatus | null;

  @Field(() => Boolean, { nullable: true, description: 'List deleted datasets (still restorable) instead.' })
  deleted?: boolean | null;
}

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

@InputType({ description: 'Cursor pagination.' })
export class PageInput {
  @Field(() => Int, { nullable: true, description: `How many (default ${DEFAULT_PAGE}, at most ${MAX_PAGE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The `nextCursor` of the previous page.' })
  after?: string | null;
}
