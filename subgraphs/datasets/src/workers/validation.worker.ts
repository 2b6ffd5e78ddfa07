import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import {
  inTenant,
  isUuid,
  type BlobStore,
  type Logger,
  type Queue,
  type QueueConsumer,
  type QueueMessage,
} from '@aitip/kit';
import {
  defaultProfileLimits,
  profileFile,
  type FileProfile,
  type IssueCode,
  type ProfileLimits,
  type ValidationIssue,
} from '../profiling/index.js';
import type { DatasetsSettings } from '../settings.js';
import { thumbnailKey, VALIDATE_QUEUE, versionPrefix } from '../storage-keys.js';
import { UploadSessionEntity } from '../uploads/upload.entity.js';
import { manifestHash, type UploadService } from '../uploads/upload.service.js';
import type { StoredImages } from '../dataset-versions/dataset-version.entity.js';
import { splitOf } from './splits.js';

/** Attempts of a validation job before its upload is reported as failed. */
const MAX_ATTEMPTS = 3;
/** How many issues a report keeps. */
const MAX_ISSUES = 100;
/** Progress events at most this often while files are read. */
const PROGRESS_INTERVAL_MS = 500;

/** The file-level profile stored with a version file (thumbnails live in blob storage instead). */
type StoredProfile = Omit<FileProfile, 'images'>;

/**
 * Consumes `datasets.validate`: reads every file of a completed upload once (hashing it on the
 * way to a scratch directory), checks it against what the client declared, profiles it, and
 * either makes the version (READY) or stores the report (INVALID) and removes the upload's objects.
 */
export class ValidationWorker {
  constructor(
    private readonly db: DataSource,
    private readonly blob: BlobStore,
    private readonly queue: Queue,
    private readonly uploads: UploadService,
    private readonly settings: DatasetsSettings,
    private readonly log: Logger,
  ) {}

  start(): Promise<QueueConsumer> {
    return this.queue.consume(VALIDATE_QUEUE, (message) => this.handle(message), {
      prefetch: 1,
      maxAttempts: MAX_ATTEMPTS,
    });
  }

  async handle(message: QueueMessage): Promise<void> {
    const { orgId, uploadId } = (message.payload ?? {}) as { orgId?: string; uploadId?: string };
    if (!orgId || !uploadId || !isUuid(orgId) || !isUuid(uploadId)) {
      this.log.warn({ payload: message.payload }, 'dropped a validation job without a valid orgId and uploadId');
      return;
    }
    const session = await inTenant(this.db, orgId, (m) => m.findOneBy(UploadSessionEntity, { id: uploadId, orgId }));
    // a redelivered job whose upload was already settled has nothing left to do
    if (!session || session.status !== 'VALIDATING') return;
    try {
      await this.validate(session);
    } catch (err) {
      if (message.attempt < MAX_ATTEMPTS) throw err;
      this.log.error({ err, uploadId }, 'validation failed on its last attempt; reporting the upload as invalid');
      await this.invalid(session, [
        issue(
          'VALIDATION_FAILED',
          '',
          `Validation could not run (${(err as Error).message}). Upload the files again; if it keeps failing, an admin can read the datasets subgraph's log.`,
        ),
      ]);
    }
  }

  private limits(dir: string): ProfileLimits {
    const s = this.settings;
    return {
      ...defaultProfileLimits,
      maxFileBytes: s.DATASETS_MAX_FILE_BYTES,
      maxArchiveEntries: s.DATASETS_MAX_ARCHIVE_ENTRIES,
      maxArchiveBytes: s.DATASETS_MAX_ARCHIVE_BYTES,
      maxCompressionRatio: s.DATASETS_MAX_COMPRESSION_RATIO,
      memoryLimitBytes: s.DATASETS_PROFILE_MEMORY_BYTES,
      threads: s.DATASETS_PROFILE_THREADS,
      exactDistributionBytes: s.DATASETS_PROFILE_EXACT_BYTES,
      distributionSampleBytes: s.DATASETS_PROFILE_SAMPLE_BYTES,
      maxIssues: MAX_ISSUES,
      tempDir: dir,
    };
  }

  private async validate(session: UploadSessionEntity): Promise<void> {
    const { orgId } = session;
    const dir = await mkdtemp(join(this.settings.DATASETS_WORK_DIR ?? tmpdir(), 'aitip-validate-'));
    const total = Math.max(1, Number(session.totalBytes));
    let lastProgress = 0;
    const report = async (progress: number, message: string, force = false) => {
      const now = Date.now();
      if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      await this.setProgress(session, progress, message);
    };
    try {
      // 1. read each file once: hash it on its way to the scratch directory (first half of the progress)
      const issues: ValidationIssue[] = [];
      const hashes: string[] = [];
      let read = 0;
      for (const [index, file] of session.files.entries()) {
        const hash = createHash('sha256');
        let size = 0;
        const counter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            size += chunk.length;
            read += chunk.length;
            void report((0.5 * read) / total, `Reading ${file.path}`).catch(() => undefined);
            callback(null, chunk);
          },
        });
        await pipeline(await this.blob.get(file.key), counter, createWriteStream(join(dir, String(index))));
        const sha256 = hash.digest('hex');
        hashes.push(sha256);
        if (size !== file.size) {
          issues.push(
            issue(
              'SIZE_MISMATCH',
              file.path,
              `"${file.path}" holds ${size} bytes, not the ${file.size} declared; upload it again.`,
            ),
          );
        } else if (file.sha256 && file.sha256 !== sha256) {
          issues.push(
            issue(
              'HASH_MISMATCH',
              file.path,
              `"${file.path}" has sha256 ${sha256}, not the ${file.sha256} declared; the file changed or was damaged in transit. Upload it again.`,
            ),
          );
        }
      }
      if (issues.length > 0) return await this.invalid(session, issues);

      // 2. the same content as a version already kept: point at it and keep nothing twice
      const contentHash = manifestHash(
        session.files.map((f, i) => ({ path: f.path, size: f.size, sha256: hashes[i]! })),
      );
      const existing = await this.uploads.findVersionByContent(orgId, session.datasetId, contentHash);
      if (existing) {
        await this.uploads.discardStaged(session.files, false);
        await this.uploads.finishDeduplicated(orgId, session.id, existing);
        return;
      }

      // 3. validate and profile each file (second half of the progress)
      const limits = this.limits(dir);
      const profiles: FileProfile[] = [];
      for (const [index, file] of session.files.entries()) {
        const before = 0.5 + (0.45 * index) / session.files.length;
        await report(before, `Profiling ${file.path}`, true);
        const outcome = await profileFile(join(dir, String(index)), file.path, limits, {
          ...(session.labelColumn ? { labelColumn: session.labelColumn } : {}),
          onProgress: (fraction) =>
            void report(before + (0.45 * fraction) / session.files.length, `Profiling ${file.path}`).catch(
              () => undefined,
            ),
        });
        if (outcome.ok) profiles.push(outcome.profile);
        else issues.push(...outcome.issues);
        if (issues.length >= MAX_ISSUES) break;
      }
      if (issues.length > 0) return await this.invalid(session, issues.slice(0, MAX_ISSUES));
      if (session.labelColumn && !profiles.some((p) => p.columns.some((c) => c.name === session.labelColumn))) {
        return await this.invalid(session, [
          issue(
            'UNKNOWN_LABEL_COLUMN',
            '',
            `No file has a column "${session.labelColumn}"; name one of the columns as the label, or none.`,
          ),
        ]);
      }
      await report(0.95, 'Saving the version', true);
      await this.saveVersion(session, contentHash, hashes, profiles);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Makes the version from a validated upload, with the next number of its dataset. */
  private async saveVersion(
    session: UploadSessionEntity,
    contentHash: string,
    hashes: string[],
    profiles: FileProfile[],
  ): Promise<void> {
    const { orgId } = session;
    const versionId = crypto.randomUUID();
    const images = await this.storeImages(session, versionId, profiles);
    const formats = new Set(profiles.map((p) => p.format));
    const tabular = profiles.find((p) => p.columns.length > 0 && p.format !== 'IMAGE_ARCHIVE');
    const withPreview = profiles.find((p) => p.preview.rows.length > 0) ?? profiles[0];
    const rowCount = profiles.reduce((sum, p) => sum + p.rowCount, 0);
    let duplicateOf: string | undefined;
    let number = 0;
    await inTenant(this.db, orgId, async (m) => {
      await m.query(`SELECT id FROM datasets.datasets WHERE id = $1 FOR UPDATE`, [session.datasetId]);
      const same = (await m.query(
        `SELECT id FROM datasets.dataset_versions
         WHERE dataset_id = $1 AND content_hash = $2 AND deleted_at IS NULL AND purged_at IS NULL`,
        [session.datasetId, contentHash],
      )) as Array<{ id: string }>;
      if (same[0]) {
        duplicateOf = same[0].id;
        return;
      }
      const next = (await m.query(
        `SELECT coalesce(max(version), 0) + 1 AS next FROM datasets.dataset_versions WHERE dataset_id = $1`,
        [session.datasetId],
      )) as Array<{ next: number }>;
      number = Number(next[0]!.next);
      await m.query(
        `INSERT INTO datasets.dataset_versions
           (id, org_id, dataset_id, version, status, content_hash, size_bytes, file_count, row_count, format, columns,
            preview, images, label_column, description, upload_id, created_by)
         VALUES ($1, $2, $3, $4, 'READY', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [
          versionId,
          orgId,
          session.datasetId,
          number,
          contentHash,
          session.totalBytes,
          session.files.length,
          rowCount,
          formats.size === 1 ? [...formats][0] : 'MIXED',
          JSON.stringify(tabular?.columns ?? []),
          JSON.stringify(withPreview?.preview ?? { columns: [], rows: [] }),
          images ? JSON.stringify(images) : null,
          session.labelColumn,
          session.description,
          session.id,
          session.createdBy,
        ],
      );
      for (const [index, file] of session.files.entries()) {
        const { images: _images, ...profile } = profiles[index]!;
        await m.query(
          `INSERT INTO datasets.dataset_files
             (org_id, version_id, path, size_bytes, sha256, blob_key, format, split, row_count, profile)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            orgId,
            versionId,
            file.path,
            file.size,
            hashes[index],
            file.key,
            profile.format,
            splitOf(file.path),
            profile.rowCount,
            JSON.stringify(profile satisfies StoredProfile),
          ],
        );
      }
      await m.query(
        `UPDATE datasets.upload_sessions SET status = 'READY', version_id = $2, progress = 1, updated_at = now()
         WHERE id = $1`,
        [session.id, versionId],
      );
      await m.query(`UPDATE datasets.datasets SET updated_at = now() WHERE id = $1`, [session.datasetId]);
    });
    if (duplicateOf) {
      await this.uploads.discardStaged(session.files, false);
      await this.blob.deletePrefix(versionPrefix(orgId, session.datasetId, versionId));
      await this.uploads.finishDeduplicated(orgId, session.id, duplicateOf);
      return;
    }
    await this.uploads.progress(orgId, session.id, {
      status: 'READY',
      progress: 1,
      message: `Version ${number} is ready.`,
      versionId,
    });
    const at = new Date().toISOString();
    await this.queue.publishEvent('datasets.version.created', {
      orgId,
      datasetId: session.datasetId,
      versionId,
      version: number,
      sizeBytes: Number(session.totalBytes),
      at,
    });
    await this.queue.publishEvent('usage.storage.changed', {
      orgId,
      resource: 'dataset_storage_bytes',
      deltaBytes: Number(session.totalBytes),
      usedBytes: await this.uploads.usedBytes(orgId, undefined),
      at,
    });
  }

  /** Puts the image archives' thumbnails in blob storage and merges their classes and splits. */
  private async storeImages(
    session: UploadSessionEntity,
    versionId: string,
    profiles: FileProfile[],
  ): Promise<StoredImages | null> {
    const archives = profiles.filter((p) => p.images);
    if (archives.length === 0) return null;
    const classes = new Map<string, number>();
    const splits = new Map<string, number>();
    const thumbnails: StoredImages['thumbnails'] = [];
    let count = 0;
    for (const { images } of archives) {
      count += images!.count;
      for (const c of images!.classes) classes.set(c.label, (classes.get(c.label) ?? 0) + c.count);
      for (const s of images!.splits) splits.set(s.name, (splits.get(s.name) ?? 0) + s.count);
      for (const t of images!.thumbnails) {
        const index = thumbnails.length;
        const ext = t.contentType === 'image/png' ? 'png' : 'jpg';
        const key = thumbnailKey(session.orgId, session.datasetId, versionId, index, ext);
        await this.blob.put(key, t.data, { contentType: t.contentType });
        thumbnails.push({ path: t.path, label: t.label, width: t.width, height: t.height, key });
      }
    }
    return {
      count,
      classes: [...classes].map(([label, n]) => ({ label, count: n })),
      splits: [...splits].map(([name, n]) => ({ name, count: n })),
      thumbnails,
    };
  }

  /** Stores the report, removes the upload's objects: a bad upload leaves no version and no data. */
  private async invalid(session: UploadSessionEntity, issues: ValidationIssue[]): Promise<void> {
    await inTenant(this.db, session.orgId, (m) =>
      m.query(
        `UPDATE datasets.upload_sessions SET status = 'INVALID', issues = $2, progress = 1, updated_at = now()
         WHERE id = $1`,
        [session.id, JSON.stringify(issues)],
      ),
    );
    await this.uploads.discardStaged(session.files, false);
    await this.uploads.progress(session.orgId, session.id, {
      status: 'INVALID',
      progress: 1,
      message: `The upload is invalid: ${issues.length} problem${issues.length === 1 ? '' : 's'} found.`,
      issues,
    });
  }

  private async setProgress(session: UploadSessionEntity, progress: number, message: string): Promise<void> {
    const rounded = Math.round(progress * 1000) / 1000;
    await inTenant(this.db, session.orgId, (m) =>
      m.query(`UPDATE datasets.upload_sessions SET progress = $2, updated_at = now() WHERE id = $1`, [
        session.id,
        rounded,
      ]),
    );
    await this.uploads.progress(session.orgId, session.id, { status: 'VALIDATING', progress: rounded, message });
  }
}

function issue(code: IssueCode, file: string, message: string): ValidationIssue {
  return { code, file, message };
}
