import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Audited, requireOrg, Requires, type BlobStore, type ServiceContext, type UrlSigner } from '@aitip/kit';
import { archiveUrl } from './archive.route.js';
import type { ColumnProfile } from '../profiling/index.js';
import { Dataset } from '../datasets/dataset.type.js';
import type { DatasetStore } from '../datasets/dataset.store.js';
import {
  ColumnStats,
  DatasetFile,
  DatasetImages,
  DatasetPreview,
  DatasetSplit,
  DatasetVersion,
} from './dataset-version.type.js';
import type { DatasetVersionStore, LoadedVersion } from './dataset-version.store.js';
import type { DatasetFileEntity } from './dataset-version.entity.js';

/** A column profile as the API shows it: min and max as text, lists never null. */
export function toColumnStats(column: ColumnProfile): ColumnStats {
  return {
    name: column.name,
    type: column.type,
    count: column.count,
    nullCount: column.nullCount,
    min: column.min === undefined || column.min === null ? null : String(column.min),
    max: column.max === undefined || column.max === null ? null : String(column.max),
    mean: column.mean ?? null,
    std: column.std ?? null,
    distinctEstimate: column.distinctEstimate ?? null,
    topValues: column.topValues ?? [],
    histogram: column.histogram ?? [],
    distributionEstimated: column.distributionEstimated ?? false,
  };
}

const asText = (value: unknown): string | null =>
  value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value);

function toFile(row: DatasetFileEntity): DatasetFile {
  return {
    path: row.path,
    sizeBytes: Number(row.sizeBytes),
    sha256: row.sha256,
    format: row.format,
    split: row.split,
    rowCount: row.rowCount === null ? null : Number(row.rowCount),
    columns: (row.profile?.columns ?? []).map(toColumnStats),
    blobKey: row.blobKey,
  };
}

@Resolver(() => DatasetVersion)
export class DatasetVersionResolver {
  constructor(
    private readonly store: DatasetVersionStore,
    private readonly datasets: DatasetStore,
    private readonly blob: BlobStore,
    private readonly urlTtlSeconds: number,
    private readonly links: { publicUrl: string; signer: UrlSigner },
  ) {}

  @Query(() => DatasetVersion, { nullable: true, description: 'A dataset version by id, or null when there is none.' })
  @Requires('datasets:read')
  async datasetVersion(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<DatasetVersion | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }

  @Mutation(() => DatasetVersion, {
    description:
      'Deletes a version; restorable until the retention period ends, and kept while a job or model uses it.',
  })
  @Requires('datasets:write')
  @Audited('datasetVersion.delete', 'DatasetVersion')
  deleteDatasetVersion(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<DatasetVersion> {
    return this.store.softDelete(requireOrg(ctx.identity), id);
  }

  @Mutation(() => DatasetVersion, { description: 'Restores a deleted version within the retention period.' })
  @Requires('datasets:write')
  @Audited('datasetVersion.restore', 'DatasetVersion')
  restoreDatasetVersion(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<DatasetVersion> {
    return this.store.restore(requireOrg(ctx.identity), id);
  }

  @FieldResolver(() => Dataset, { nullable: true })
  dataset(@Root() version: LoadedVersion): Promise<Dataset | null> {
    return this.datasets.findById(version.orgId, version.datasetId);
  }

  @FieldResolver(() => [DatasetFile])
  async files(@Root() version: LoadedVersion): Promise<DatasetFile[]> {
    return (await this.store.files(version.orgId, version.id)).map(toFile);
  }

  @FieldResolver(() => [ColumnStats], {
    description:
      'Columns of the first tabular file with their statistics (nulls, min/max/mean/std, distinct, top values, histogram).',
  })
  stats(@Root() version: LoadedVersion): ColumnStats[] {
    return (version.row.columns ?? []).map(toColumnStats);
  }

  @FieldResolver(() => DatasetPreview, { description: 'The first rows of the first file that has rows.' })
  preview(@Root() version: LoadedVersion): DatasetPreview {
    const preview = version.row.preview ?? { columns: [], rows: [] };
    return { columns: preview.columns, rows: preview.rows.map((row) => row.map(asText)) };
  }

  @FieldResolver(() => DatasetImages, {
    nullable: true,
    description: 'Classes, splits and thumbnails of image archives.',
  })
  async images(@Root() version: LoadedVersion): Promise<DatasetImages | null> {
    const images = version.row.images;
    if (!images) return null;
    return {
      count: images.count,
      classes: images.classes.map((c) => ({ name: c.label, count: c.count })),
      splits: images.splits.map((s) => ({ name: s.name, count: s.count })),
      thumbnails: await Promise.all(
        images.thumbnails.map(async (t) => ({
          path: t.path,
          label: t.label,
          width: t.width,
          height: t.height,
          url: await this.blob.presignGet(t.key, this.urlTtlSeconds),
        })),
      ),
    };
  }

  @FieldResolver(() => [DatasetSplit], {
    description: 'Splits named by file or folder names (train, validation, test).',
  })
  async splits(@Root() version: LoadedVersion): Promise<DatasetSplit[]> {
    const splits = new Map<string, DatasetSplit>();
    for (const file of await this.store.files(version.orgId, version.id)) {
      if (!file.split) continue;
      const split = splits.get(file.split) ?? { name: file.split, files: [], rows: 0 };
      split.files.push(file.path);
      split.rows += Number(file.rowCount ?? 0);
      splits.set(file.split, split);
    }
    for (const s of version.row.images?.splits ?? []) {
      if (!splits.has(s.name)) splits.set(s.name, { name: s.name, files: [], rows: s.count });
    }
    return [...splits.values()];
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'A signed link that downloads the whole version as one tar archive (streamed), valid like downloadUrl; null once purged.',
  })
  archiveUrl(@Root() version: LoadedVersion): string | null {
    if (version.status === 'PURGED') return null;
    return archiveUrl(this.links.publicUrl, this.links.signer, version.orgId, version.id, this.urlTtlSeconds);
  }

  @FieldResolver(() => [String], { description: 'What uses this version ("TrainingJob:<id>", "ModelVersion:<id>").' })
  async usedBy(@Root() version: LoadedVersion): Promise<string[]> {
    return (await this.store.uses(version.orgId, version.id)).map((u) => `${u.usedByType}:${u.usedById}`);
  }
}

@Resolver(() => DatasetFile)
export class DatasetFileResolver {
  constructor(
    private readonly blob: BlobStore,
    private readonly urlTtlSeconds: number,
  ) {}

  @FieldResolver(() => String, { nullable: true, description: 'A presigned URL that downloads the file.' })
  async downloadUrl(@Root() file: DatasetFile): Promise<string | null> {
    if (!file.blobKey) return null;
    return this.blob.presignGet(file.blobKey, this.urlTtlSeconds, { filename: file.path.split('/').at(-1)! });
  }
}

@Resolver(() => Dataset)
export class DatasetVersionsOfDatasetResolver {
  constructor(private readonly store: DatasetVersionStore) {}

  @FieldResolver(() => [DatasetVersion], { description: 'Its versions, newest first.' })
  versions(
    @Root() dataset: Dataset,
    @Arg('includeDeleted', () => Boolean, { nullable: true, description: 'Also the deleted, still restorable ones.' })
    includeDeleted?: boolean,
  ): Promise<DatasetVersion[]> {
    return this.store.ofDataset(dataset.orgId, dataset.id, includeDeleted ?? false);
  }

  @FieldResolver(() => DatasetVersion, { nullable: true })
  async latestVersion(@Root() dataset: Dataset): Promise<DatasetVersion | null> {
    return (await this.store.ofDataset(dataset.orgId, dataset.id, false))[0] ?? null;
  }
}
