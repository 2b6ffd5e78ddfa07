import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A file or directory among a run’s artifacts.' })
export class ArtifactEntry {
  @Field(() => String, { description: 'Relative to the run’s artifact root, `/`-separated.' })
  path: string;

  @Field(() => Boolean)
  isDir: boolean;

  @Field(() => Float, { nullable: true, description: 'Bytes; null for directories.' })
  size: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'A presigned download URL (files only), valid for a limited time.',
  })
  downloadUrl: string | null;
}

@ObjectType({ description: 'Where to upload one artifact file: HTTP PUT the bytes to `url` before it expires.' })
export class ArtifactUploadTarget {
  @Field(() => String)
  path: string;

  @Field(() => String)
  url: string;
}
