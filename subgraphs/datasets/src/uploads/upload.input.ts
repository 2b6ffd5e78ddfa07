import { Field, Float, ID, InputType } from 'type-graphql';

@InputType({ description: 'A file to upload.' })
export class UploadFileInput {
  @Field(() => String, { description: 'Path inside the version, e.g. "train/data.csv".' })
  path: string;

  @Field(() => Float, { description: 'Exact size in bytes.' })
  size: number;

  @Field(() => String, { nullable: true })
  contentType?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'sha256 (hex) if known; lets identical content be recognised at once.',
  })
  sha256?: string | null;
}

@InputType({ description: 'An upload of one or many files to a dataset.' })
export class StartDatasetUploadInput {
  @Field(() => ID)
  datasetId: string;

  @Field(() => [UploadFileInput])
  files: UploadFileInput[];

  @Field(() => String, { nullable: true, description: 'The column holding the label, checked during validation.' })
  labelColumn?: string | null;

  @Field(() => String, { nullable: true, description: "The version's description." })
  description?: string | null;
}

@InputType({ description: "A file's sha256, when computed while uploading." })
export class CompletedFileInput {
  @Field(() => String)
  path: string;

  @Field(() => String, { nullable: true })
  sha256?: string | null;
}

@InputType({ description: 'Completes an upload once every part of every file is in storage.' })
export class CompleteDatasetUploadInput {
  @Field(() => ID)
  uploadId: string;

  @Field(() => [CompletedFileInput], { nullable: true })
  files?: CompletedFileInput[] | null;
}
