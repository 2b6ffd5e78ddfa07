import { Directive, Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How often a value occurs in a column.' })
export class ValueCount {
  @Field(() => String)
  value: string;

  @Field(() => Float)
  count: number;
}

@ObjectType({ description: 'One bin of a histogram: values in [start, end).' })
export class HistogramBin {
  @Field(() => Float)
  start: number;

  @Field(() => Float)
  end: number;

  @Field(() => Float)
  count: number;
}

@ObjectType({ description: 'A column of a tabular file with its statistics.' })
export class ColumnStats {
  @Field(() => String)
  name: string;

  @Field(() => String, { description: 'Type as DuckDB names it (BIGINT, DOUBLE, VARCHAR, …), or the NumPy dtype.' })
  type: string;

  @Field(() => Float, { description: 'Values, nulls included.' })
  count: number;

  @Field(() => Float)
  nullCount: number;

  @Field(() => String, { nullable: true })
  min?: string | null;

  @Field(() => String, { nullable: true })
  max?: string | null;

  @Field(() => Float, { nullable: true })
  mean?: number | null;

  @Field(() => Float, { nullable: true })
  std?: number | null;

  @Field(() => Float, { nullable: true, description: 'Approximate count of distinct values.' })
  distinctEstimate?: number | null;

  @Field(() => [ValueCount], { description: 'Most frequent values (non-numeric columns).' })
  topValues: ValueCount[];

  @Field(() => [HistogramBin], { description: 'Equal-width histogram (numeric columns).' })
  histogram: HistogramBin[];

  @Field(() => Boolean, {
    description:
      'True when the histogram and top-value counts are estimates from a sample of the rows (CSV/TSV files over DATASETS_PROFILE_EXACT_BYTES); every other statistic is exact or, for distinctEstimate, an estimate either way.',
  })
  distributionEstimated: boolean;
}

@ObjectType({ description: 'The first rows of a file, values as text (null stays null).' })
export class DatasetPreview {
  @Field(() => [String])
  columns: string[];

  @Field(() => [[String]], { nullable: 'items', description: 'Rows of values in column order; a null value is null.' })
  rows: Array<Array<string | null>>;
}

@ObjectType({ description: 'A label or split and how many images it has.' })
export class LabelCount {
  @Field(() => String)
  name: string;

  @Field(() => Float)
  count: number;
}

@ObjectType({ description: 'A small copy of an image from an archive.' })
export class ImageThumbnail {
  @Field(() => String, { description: 'Path of the image inside its archive.' })
  path: string;

  @Field(() => String, { nullable: true })
  label: string | null;

  @Field(() => Int, { description: 'Width of the original image.' })
  width: number;

  @Field(() => Int, { description: 'Height of the original image.' })
  height: number;

  @Field(() => String, { description: 'A presigned URL of the thumbnail (at most 128 px a side).' })
  url: string;
}

@ObjectType({ description: 'What the image archives of a version hold.' })
export class DatasetImages {
  @Field(() => Float)
  count: number;

  @Field(() => [LabelCount], { description: 'Images per class (the folder above each image).' })
  classes: LabelCount[];

  @Field(() => [LabelCount], { description: 'Images per split (a first folder named train, validation or test).' })
  splits: LabelCount[];

  @Field(() => [ImageThumbnail])
  thumbnails: ImageThumbnail[];
}

@ObjectType({ description: 'A split of a version (train, validation, test) as declared by its file or folder names.' })
export class DatasetSplit {
  @Field(() => String)
  name: string;

  @Field(() => [String], { description: 'Files in the split.' })
  files: string[];

  @Field(() => Float, { description: 'Rows (or images) in the split.' })
  rows: number;
}

@ObjectType({ description: 'One file of a dataset version.' })
export class DatasetFile {
  @Field(() => String, { description: 'Path inside the version.' })
  path: string;

  @Field(() => Float)
  sizeBytes: number;

  @Field(() => String)
  sha256: string;

  @Field(() => String, { nullable: true, description: 'Format detected from the content.' })
  format: string | null;

  @Field(() => String, { nullable: true })
  split: string | null;

  @Field(() => Float, { nullable: true })
  rowCount: number | null;

  @Field(() => [ColumnStats], { description: "This file's columns and their statistics." })
  columns: ColumnStats[];

  /** The object's key; not in the schema. */
  blobKey: string | null;
}

@ObjectType({ description: 'An immutable version of a dataset: files that validated, their content hash and profile.' })
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

  @Field(() => String, { description: 'READY, DELETED (restorable) or PURGED (removed for good).' })
  status: string;

  @Field(() => String, {
    nullable: true,
    description: 'sha256 of the manifest: each file\'s "<sha256> <size> <path>" line, sorted by path.',
  })
  contentHash: string | null;

  @Field(() => Float)
  sizeBytes: number;

  @Field(() => Int)
  fileCount: number;

  @Field(() => Float, { nullable: true, description: 'Rows in all files (images for image archives).' })
  rowCount: number | null;

  @Field(() => String, { nullable: true, description: 'Format of its files, or MIXED.' })
  format: string | null;

  @Field(() => String, { nullable: true })
  labelColumn: string | null;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => String, { nullable: true, description: 'User or API key id that uploaded it.' })
  createdBy: string | null;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  deletedAt: Date | null;

  @Field(() => ID, { nullable: true, description: 'The upload that made it.' })
  uploadId: string | null;
}
