import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { Audited, requireOrg, Requires, type ServiceContext, type StreamEntry } from '@aitip/kit';
import type { ValidationIssue } from '../profiling/index.js';
import { Dataset } from '../datasets/dataset.type.js';
import { uploadProgressStream } from '../storage-keys.js';
import { CompleteDatasetUploadInput, StartDatasetUploadInput } from './upload.input.js';
import {
  DatasetUpload,
  DatasetUploadFile,
  DatasetUploadStatus,
  DatasetVersionProgress,
  UploadedPart,
  UploadPartUrl,
  type ValidationIssueType,
} from './upload.type.js';
import type { UploadSessionEntity } from './upload.entity.js';
import type { UploadService } from './upload.service.js';

/** The GraphQL object of a session, with the row behind it for the field resolvers. */
type LoadedUpload = DatasetUpload & { row: UploadSessionEntity };

function toIssue(issue: ValidationIssue): ValidationIssueType {
  return {
    code: issue.code,
    file: issue.file,
    line: issue.line ?? null,
    entry: issue.entry ?? null,
    message: issue.message,
  };
}

function toUpload(row: UploadSessionEntity): LoadedUpload {
  return {
    id: row.id,
    orgId: row.orgId,
    datasetId: row.datasetId,
    status: row.status as DatasetUploadStatus,
    files: row.files.map((f, index) => ({
      path: f.path,
      size: f.size,
      partSize: f.partSize,
      partCount: f.partCount,
      sha256: f.sha256 ?? null,
      index,
      upload: row,
    })),
    totalBytes: Number(row.totalBytes),
    progress: row.progress,
    issues: (row.issues ?? []).map(toIssue),
    versionId: row.versionId,
    deduplicated: row.deduplicated,
    labelColumn: row.labelColumn,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    row,
  };
}

type ProgressSubscribeData = SubscribeResolverData<
  unknown,
  { uploadId: string; after?: string | null },
  ServiceContext
>;

@Resolver(() => DatasetUpload)
export class UploadResolver {
  constructor(private readonly uploads: UploadService) {}

  @Query(() => DatasetUpload, { description: 'An upload of the active organization; throws NOT_FOUND for others.' })
  @Requires('datasets:read')
  async datasetUpload(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<DatasetUpload> {
    return toUpload(await this.uploads.get(ctx.identity, id));
  }

  @Mutation(() => DatasetUpload, {
    description:
      'Starts an upload: declare the files (path, size); then PUT each part to `files.partUrls`, and call completeDatasetUpload. Refused before anything is sent when a file is too large or the storage quota would be exceeded.',
  })
  @Requires('datasets:write')
  @Audited('datasetUpload.start', 'DatasetUpload')
  async startDatasetUpload(
    @Arg('input', () => StartDatasetUploadInput) input: StartDatasetUploadInput,
    @Ctx() ctx: ServiceContext,
  ): Promise<DatasetUpload> {
    return toUpload(await this.uploads.start(ctx.identity, input));
  }

  @Mutation(() => DatasetUpload, {
    description:
      'Completes an upload once every part is in storage; validation then makes the version (follow it with datasetVersionProgress). Answers READY at once when the content is already a version.',
  })
  @Requires('datasets:write')
  @Audited('datasetUpload.complete', 'DatasetUpload', (args) => ({
    id: (args['input'] as { uploadId: string }).uploadId,
  }))
  async completeDatasetUpload(
    @Arg('input', () => CompleteDatasetUploadInput) input: CompleteDatasetUploadInput,
    @Ctx() ctx: ServiceContext,
  ): Promise<DatasetUpload> {
    return toUpload(await this.uploads.complete(ctx.identity, input));
  }

  @Mutation(() => DatasetUpload, { description: 'Stops an upload in progress and removes what was sent.' })
  @Requires('datasets:write')
  @Audited('datasetUpload.abort', 'DatasetUpload')
  async abortDatasetUpload(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<DatasetUpload> {
    return toUpload(await this.uploads.abort(ctx.identity, id));
  }

  @Subscription(() => DatasetVersionProgress, {
    description:
      "An upload's validation as it happens: progress, then READY with the version or INVALID with the issues. Replays from the start (or after `after`).",
    topics: ({ context, args }: ProgressSubscribeData) =>
      uploadProgressStream(requireOrg(context.identity), args.uploadId),
    topicId: ({ args }: ProgressSubscribeData) => args.after ?? undefined,
  })
  @Requires('datasets:read')
  datasetVersionProgress(
    @Root() entry: StreamEntry,
    @Arg('uploadId', () => ID) _uploadId: string,
    @Arg('after', () => String, { nullable: true, description: 'Resume after this cursor.' }) _after: string | null,
  ): DatasetVersionProgress {
    const e = entry.entry as Record<string, unknown>;
    return {
      cursor: entry.id,
      uploadId: String(e['uploadId']),
      status: e['status'] as DatasetUploadStatus,
      progress: Number(e['progress']),
      message: String(e['message'] ?? ''),
      versionId: (e['versionId'] as string | null) ?? null,
      issues: (JSON.parse(String(e['issues'] ?? '[]')) as ValidationIssue[]).map(toIssue),
      at: new Date(String(e['at'])),
    };
  }
}

@Resolver(() => DatasetUploadFile)
export class UploadFileResolver {
  constructor(private readonly uploads: UploadService) {}

  private session(file: DatasetUploadFile & { upload?: UploadSessionEntity }): UploadSessionEntity {
    return file.upload!;
  }

  @FieldResolver(() => [UploadPartUrl], {
    description: 'Presigned part URLs (all parts, or those asked for); empty once the upload is no longer UPLOADING.',
  })
  partUrls(
    @Root() file: DatasetUploadFile & { upload?: UploadSessionEntity },
    @Arg('partNumbers', () => [Int], { nullable: true }) partNumbers?: number[],
  ): Promise<UploadPartUrl[]> {
    const session = this.session(file);
    return this.uploads.partUrls(session, session.files[file.index]!, partNumbers);
  }

  @FieldResolver(() => [UploadedPart], { description: 'Parts already in storage: resume by sending only the others.' })
  uploadedParts(@Root() file: DatasetUploadFile & { upload?: UploadSessionEntity }): Promise<UploadedPart[]> {
    const session = this.session(file);
    return this.uploads.uploadedParts(session, session.files[file.index]!);
  }
}

@Resolver(() => Dataset)
export class UploadsOfDatasetResolver {
  constructor(private readonly service: UploadService) {}

  @FieldResolver(() => DatasetUpload, {
    nullable: true,
    description: 'Its most recent upload (to read the issues of an INVALID one, or follow one in progress).',
  })
  async latestUpload(@Root() dataset: Dataset): Promise<DatasetUpload | null> {
    const [row] = await this.service.recent(dataset.orgId, dataset.id, 1);
    return row ? toUpload(row) : null;
  }

  @FieldResolver(() => [DatasetUpload], { description: 'Its uploads, newest first (at most 50).' })
  async uploads(@Root() dataset: Dataset): Promise<DatasetUpload[]> {
    return (await this.service.recent(dataset.orgId, dataset.id, 50)).map(toUpload);
  }
}
