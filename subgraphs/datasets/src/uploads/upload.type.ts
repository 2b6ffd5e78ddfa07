import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum DatasetUploadStatus {
  UPLOADING = 'UPLOADING',
  COMPLETING = 'COMPLETING',
  VALIDATING = 'VALIDATING',
  READY = 'READY',
  INVALID = 'INVALID',
  ABORTED = 'ABORTED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(DatasetUploadStatus, {
  name: 'DatasetUploadStatus',
  description: 'UPLOADING → COMPLETING → VALIDATING → READY (a version) | INVALID (a report, no version).',
  valuesConfig: {
    UPLOADING: { description: 'Waiting for the parts; they go straight to object storage.' },
    COMPLETING: { description: 'The storage is joining the parts.' },
    VALIDATING: { description: 'The files are being checked and profiled.' },
    READY: { description: 'The files made a version (or matched an existing one, see `deduplicated`).' },
    INVALID: { description: 'The files were refused; `issues` says why. Nothing was kept.' },
    ABORTED: { description: 'Stopped by a user; what was sent was removed.' },
    EXPIRED: { description: 'Not completed in time; what was sent was removed.' },
  },
});

@ObjectType({ description: 'A presigned URL that takes one part with an HTTP PUT; its response carries the ETag.' })
export class UploadPartUrl {
  @Field(() => Int)
  partNumber: number;

  @Field(() => String)
  url: string;
}

@ObjectType({ description: 'A part already in storage.' })
export class UploadedPart {
  @Field(() => Int)
  partNumber: number;

  @Field(() => String)
  etag: string;

  @Field(() => Float)
  size: number;
}

@ObjectType({
  description:
    'One file of an upload and how to send it: cut it into `partCount` parts of `partSize` bytes (the last one shorter).',
})
export class DatasetUploadFile {
  @Field(() => String)
  path: string;

  @Field(() => Float)
  size: number;

  @Field(() => Float)
  partSize: number;

  @Field(() => Int)
  partCount: number;

  @Field(() => String, { nullable: true, description: 'The sha256 the client declared, checked during validation.' })
  sha256: string | null;

  /** Index in the session's files, and the session; not in the schema. */
  index: number;
  upload?: unknown;
}

@ObjectType({ description: 'A problem found in an upload.' })
export class ValidationIssueType {
  @Field(() => String, {
    description:
      'MALFORMED_ROW, INCONSISTENT_COLUMNS, INVALID_UTF8, EXTENSION_MISMATCH, ZIP bombs (ARCHIVE_*), PATH_TRAVERSAL, …',
  })
  code: string;

  @Field(() => String, { description: 'The file it is in (path inside the upload).' })
  file: string;

  @Field(() => Int, { nullable: true, description: 'Line number in the file, from 1, when it is about a line.' })
  line: number | null;

  @Field(() => String, { nullable: true, description: 'Entry of an archive it is about.' })
  entry: string | null;

  @Field(() => String, { description: 'What is wrong and what to do.' })
  message: string;
}

@ObjectType({ description: 'An upload session: files sent straight to object storage, then validated into a version.' })
export class DatasetUpload {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  orgId: string;

  @Field(() => ID)
  datasetId: string;

  @Field(() => DatasetUploadStatus)
  status: DatasetUploadStatus;

  @Field(() => [DatasetUploadFile])
  files: DatasetUploadFile[];

  @Field(() => Float)
  totalBytes: number;

  @Field(() => Float, { description: 'Validation progress, 0 to 1.' })
  progress: number;

  @Field(() => [ValidationIssueType], { description: 'Why the upload is INVALID; empty otherwise.' })
  issues: ValidationIssueType[];

  @Field(() => ID, { nullable: true, description: 'The version it made (or matched) once READY.' })
  versionId: string | null;

  @Field(() => Boolean, {
    description: 'The content was already a version of the dataset, so nothing was stored twice.',
  })
  deduplicated: boolean;

  @Field(() => String, { nullable: true })
  labelColumn: string | null;

  @Field(() => Date, { description: 'An upload not completed by then is removed.' })
  expiresAt: Date;

  @Field(() => Date)
  createdAt: Date;
}

@ObjectType({ description: 'A step of an upload: status, progress and, at the end, the version or the issues.' })
export class DatasetVersionProgress {
  @Field(() => String, { description: 'Pass as `after` to resume after this event.' })
  cursor: string;

  @Field(() => ID)
  uploadId: string;

  @Field(() => DatasetUploadStatus)
  status: DatasetUploadStatus;

  @Field(() => Float)
  progress: number;

  @Field(() => String)
  message: string;

  @Field(() => ID, { nullable: true })
  versionId: string | null;

  @Field(() => [ValidationIssueType])
  issues: ValidationIssueType[];

  @Field(() => Date)
  at: Date;
}
