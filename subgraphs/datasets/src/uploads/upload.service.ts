import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  ConflictError,
  InputError,
  NotFoundError,
  QuotaExceededError,
  inTenant,
  isUuid,
  requireOrg,
  returnedRows,
  type BlobStore,
  type Bus,
  type Identity,
  type Logger,
  type Queue,
} from '@aitip/kit';
import type { DatasetsSettings } from '../settings.js';
import { uploadFileKey, uploadProgressStream, VALIDATE_QUEUE } from '../storage-keys.js';
import type { ValidationIssue } from '../profiling/index.js';
import { UploadSessionEntity, type UploadFile, type UploadStatus } from './upload.entity.js';
import { checkSha256, checkUploadPaths } from './upload-paths.js';

/** Smallest part S3 accepts (all parts but the last). */
const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
/** How many progress events an upload's stream keeps. */
const PROGRESS_MAX_LEN = 1_000;

export interface StartUploadRequest {
  datasetId: string;
  files: Array<{ path: string; size: number; contentType?: string | null; sha256?: string | null }>;
  labelColumn?: string | null;
  description?: string | null;
}

export interface CompleteUploadRequest {
  uploadId: string;
  files?: Array<{ path: string; sha256?: string | null }> | null;
}

/** One progress event of an upload, as appended to its stream. */
export interface UploadProgress {
  status: UploadStatus;
  progress: number;
  message: string;
  versionId?: string;
  issues?: ValidationIssue[];
}

/** Where a file's bytes are: one row of the manifest a version's content hash is taken over. */
export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

/** sha256 over the sorted manifest lines `<sha256> <size> <path>`: equal for equal content. */
export function manifestHash(entries: readonly ManifestEntry[]): string {
  const lines = [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${e.sha256} ${e.size} ${e.path}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}

/**
 * Upload sessions: the client declares its files, sends their parts straight to object storage
 * through presigned URLs (resuming with the list of parts already there), and completes the session;
 * a validation job then turns the files into a version, or into a report when they are bad.
 */
export class UploadService {
  constructor(
    private readonly db: DataSource,
    private readonly blob: BlobStore,
    private readonly queue: Queue,
    private readonly bus: Bus,
    private readonly settings: DatasetsSettings,
    private readonly log: Logger,
  ) {}

  async start(identity: Identity, request: StartUploadRequest): Promise<UploadSessionEntity> {
    const orgId = requireOrg(identity);
    const { settings } = this;
    if (request.files.length === 0) throw new InputError('List at least one file to upload.', { field: 'files' });
    if (request.files.length > settings.DATASETS_MAX_FILES) {
      throw new InputError(
        `An upload holds at most ${settings.DATASETS_MAX_FILES} files; pack many small files into a zip or tar archive.`,
        { field: 'files', code: 'TOO_MANY_FILES' },
      );
    }
    const paths = checkUploadPaths(request.files.map((f) => f.path));
    const files = request.files.map((file, index) => {
      const path = paths[index]!;
      if (!Number.isSafeInteger(file.size) || file.size < 0) {
        throw new InputError(`The size of "${path}" must be a whole number of bytes.`, { field: 'size', path });
      }
      if (file.size === 0) {
        throw new InputError(`"${path}" is empty; leave it out or upload a file with content.`, {
          field: 'files',
          code: 'EMPTY_FILE',
          path,
        });
      }
      if (file.size > settings.DATASETS_MAX_FILE_BYTES) {
        throw new InputError(
          `"${path}" is ${file.size} bytes; one file may hold at most ${settings.DATASETS_MAX_FILE_BYTES} bytes (DATASETS_MAX_FILE_BYTES). Split it into several files.`,
          { field: 'files', code: 'FILE_TOO_LARGE', path },
        );
      }
      const partSize = Math.max(settings.DATASETS_PART_SIZE_BYTES, MIN_PART_BYTES, Math.ceil(file.size / MAX_PARTS));
      return {
        path,
        size: file.size,
        contentType: file.contentType?.trim() || 'application/octet-stream',
        partSize,
        partCount: Math.max(1, Math.ceil(file.size / partSize)),
        sha256: checkSha256(path, file.sha256),
      };
    });
    const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
    const uploadId = randomUUID();
    const dataset = await this.liveDataset(orgId, request.datasetId);
    await this.checkQuota(orgId, totalBytes, undefined);

    const staged: UploadFile[] = [];
    try {
      for (const [index, file] of files.entries()) {
        const key = uploadFileKey(orgId, dataset.id, uploadId, index);
        const { uploadId: multipartId } = await this.blob.createMultipartUpload(key, { contentType: file.contentType });
        staged.push({ ...file, key, multipartId, ...(file.sha256 ? { sha256: file.sha256 } : {}) });
      }
      const expiresAt = new Date(Date.now() + settings.DATASETS_UPLOAD_TTL_SECONDS * 1000);
      const session = await inTenant(this.db, orgId, async (m) => {
        // the quota again, under the organization's lock, now that the session is about to count
        await this.lockOrganization(m, orgId);
        await this.checkQuota(orgId, totalBytes, undefined, m);
        return m.save(
          m.create(UploadSessionEntity, {
            id: uploadId,
            orgId,
            datasetId: dataset.id,
            status: 'UPLOADING',
            files: staged,
            totalBytes: String(totalBytes),
            labelColumn: request.labelColumn?.trim() || null,
            description: request.description ?? null,
            progress: 0,
            issues: null,
            versionId: null,
            deduplicated: false,
            createdBy: identity.userId ?? identity.apiKeyId ?? null,
            expiresAt,
            updatedAt: new Date(),
          }),
        );
      });
      await this.progress(orgId, uploadId, { status: 'UPLOADING', progress: 0, message: 'Waiting for the files.' });
      return session;
    } catch (err) {
      await this.discardStaged(staged);
      throw err;
    }
  }

  /** The caller's upload, or NotFoundError. */
  async get(identity: Identity, uploadId: string): Promise<UploadSessionEntity> {
    const orgId = requireOrg(identity);
    const session = isUuid(uploadId)
      ? await inTenant(this.db, orgId, (m) => m.findOneBy(UploadSessionEntity, { id: uploadId, orgId }))
      : null;
    if (!session) throw new NotFoundError(`There is no upload ${uploadId} in this organization.`);
    return session;
  }

  /** A dataset's most recent uploads, newest first. */
  recent(orgId: string, datasetId: string, limit: number): Promise<UploadSessionEntity[]> {
    return inTenant(this.db, orgId, (m) =>
      m.find(UploadSessionEntity, { where: { orgId, datasetId }, order: { createdAt: 'DESC' }, take: limit }),
    );
  }

  /** Presigned URLs for parts of one file (all parts when `partNumbers` is omitted). */
  async partUrls(session: UploadSessionEntity, file: UploadFile, partNumbers?: readonly number[] | null) {
    if (session.status !== 'UPLOADING') return [];
    const numbers = partNumbers ?? Array.from({ length: file.partCount }, (_, i) => i + 1);
    for (const n of numbers) {
      if (!Number.isInteger(n) || n < 1 || n > file.partCount) {
        throw new InputError(`"${file.path}" has parts 1 to ${file.partCount}; there is no part ${n}.`, {
          field: 'partNumbers',
        });
      }
    }
    const ttl = this.settings.DATASETS_URL_TTL_SECONDS;
    return Promise.all(
      numbers.map(async (partNumber) => ({
        partNumber,
        url: await this.blob.presignUploadPart(file.key, file.multipartId, partNumber, ttl),
      })),
    );
  }

  /** The parts of one file already in storage, so an interrupted upload sends only the rest. */
  async uploadedParts(session: UploadSessionEntity, file: UploadFile) {
    if (session.status !== 'UPLOADING' && session.status !== 'COMPLETING') return [];
    return this.blob.listUploadedParts(file.key, file.multipartId);
  }

  /**
   * Joins each file's parts, then either points at the existing version with the same content
   * (when the client declared every file's sha256) or queues the validation that makes the version.
   */
  async complete(identity: Identity, request: CompleteUploadRequest): Promise<UploadSessionEntity> {
    const orgId = requireOrg(identity);
    const session = await this.get(identity, request.uploadId);
    if (session.status !== 'UPLOADING') {
      if (session.status === 'VALIDATING' || session.status === 'READY') return session;
      throw new ConflictError(`Upload ${session.id} is ${session.status.toLowerCase()}; start a new upload.`, {
        status: session.status,
      });
    }
    if (session.expiresAt.getTime() < Date.now()) {
      throw new ConflictError(
        `Upload ${session.id} expired at ${session.expiresAt.toISOString()}; start a new upload.`,
      );
    }
    const claims = new Map<string, string | undefined>();
    for (const claim of request.files ?? []) {
      if (!session.files.some((f) => f.path === claim.path)) {
        throw new InputError(`"${claim.path}" is not a file of upload ${session.id}.`, { field: 'files' });
      }
      claims.set(claim.path, checkSha256(claim.path, claim.sha256));
    }
    const files = session.files.map((f) => ({ ...f, sha256: claims.get(f.path) ?? f.sha256 }));

    // every part of every file must be there, with the declared sizes
    const parts = await Promise.all(files.map((f) => this.blob.listUploadedParts(f.key, f.multipartId)));
    const missing: string[] = [];
    files.forEach((file, i) => {
      const have = new Map(parts[i]!.map((p) => [p.partNumber, p]));
      const absent = Array.from({ length: file.partCount }, (_, n) => n + 1).filter((n) => !have.has(n));
      const received = parts[i]!.reduce((sum, p) => sum + p.size, 0);
      if (absent.length > 0) {
        missing.push(`"${file.path}" lacks part${absent.length > 1 ? 's' : ''} ${summarize(absent)}`);
      } else if (received !== file.size || parts[i]!.length !== file.partCount) {
        missing.push(`"${file.path}" has ${received} bytes in storage but was declared as ${file.size}`);
      }
    });
    if (missing.length > 0) {
      throw new InputError(
        `The upload is not complete: ${missing.join('; ')}. Upload those parts, then complete again.`,
        {
          field: 'files',
          code: 'UPLOAD_INCOMPLETE',
        },
      );
    }
    await this.checkQuota(orgId, Number(session.totalBytes), session.id);

    // claim the session so a second completion waits for this one instead of joining parts twice
    const claimed = await inTenant(this.db, orgId, async (m) => {
      const rows = returnedRows(
        await m.query(
          `UPDATE datasets.upload_sessions SET status = 'COMPLETING', files = $3, updated_at = now()
           WHERE id = $1 AND org_id = $2 AND status = 'UPLOADING' RETURNING id`,
          [session.id, orgId, JSON.stringify(files)],
        ),
      );
      return rows.length === 1;
    });
    if (!claimed) return this.get(identity, session.id);
    try {
      await Promise.all(
        files.map((file, i) =>
          this.blob.completeMultipartUpload(
            file.key,
            file.multipartId,
            parts[i]!.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
          ),
        ),
      );
    } catch (err) {
      await this.setStatus(orgId, session.id, 'UPLOADING');
      throw err;
    }

    if (files.every((f) => f.sha256)) {
      const hash = manifestHash(files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256! })));
      const existing = await this.findVersionByContent(orgId, session.datasetId, hash);
      if (existing) {
        await this.discardStaged(files, false);
        await this.finishDeduplicated(orgId, session.id, existing);
        return this.get(identity, session.id);
      }
    }
    await this.setStatus(orgId, session.id, 'VALIDATING');
    await this.progress(orgId, session.id, { status: 'VALIDATING', progress: 0, message: 'Queued for validation.' });
    await this.queue.send(VALIDATE_QUEUE, { orgId, uploadId: session.id });
    return this.get(identity, session.id);
  }

  /** Stops an upload in progress and removes what was sent. */
  async abort(identity: Identity, uploadId: string): Promise<UploadSessionEntity> {
    const orgId = requireOrg(identity);
    const session = await this.get(identity, uploadId);
    if (session.status === 'ABORTED' || session.status === 'EXPIRED') return session;
    if (session.status !== 'UPLOADING') {
      throw new ConflictError(
        `Upload ${session.id} is ${session.status.toLowerCase()} and can no longer be aborted; delete the version instead.`,
      );
    }
    await this.setStatus(orgId, session.id, 'ABORTED');
    await this.discardStaged(session.files);
    await this.progress(orgId, session.id, { status: 'ABORTED', progress: 0, message: 'Aborted.' });
    return this.get(identity, session.id);
  }

  /** Marks a session READY as a duplicate of `versionId`. */
  async finishDeduplicated(orgId: string, uploadId: string, versionId: string): Promise<void> {
    await inTenant(this.db, orgId, (m) =>
      m.query(
        `UPDATE datasets.upload_sessions SET status = 'READY', version_id = $3, deduplicated = true, progress = 1,
           updated_at = now() WHERE id = $1 AND org_id = $2`,
        [uploadId, orgId, versionId],
      ),
    );
    await this.progress(orgId, uploadId, {
      status: 'READY',
      progress: 1,
      message: 'The same content is already a version of this dataset; the upload points at it.',
      versionId,
    });
  }

  /** The live version of a dataset with exactly this content, if any. */
  async findVersionByContent(orgId: string, datasetId: string, contentHash: string): Promise<string | undefined> {
    const rows = (await inTenant(this.db, orgId, (m) =>
      m.query(
        `SELECT id FROM datasets.dataset_versions
         WHERE org_id = $1 AND dataset_id = $2 AND content_hash = $3 AND deleted_at IS NULL AND purged_at IS NULL`,
        [orgId, datasetId, contentHash],
      ),
    )) as Array<{ id: string }>;
    return rows[0]?.id;
  }

  /** Appends a progress event to the upload's stream (the `datasetVersionProgress` subscription). */
  async progress(orgId: string, uploadId: string, event: UploadProgress): Promise<void> {
    await this.bus.append(
      uploadProgressStream(orgId, uploadId),
      {
        uploadId,
        status: event.status,
        progress: event.progress,
        message: event.message,
        versionId: event.versionId ?? null,
        issues: JSON.stringify(event.issues ?? []),
        at: new Date().toISOString(),
      },
      { maxLen: PROGRESS_MAX_LEN },
    );
  }

  /** Bytes the organization's datasets hold or are about to: versions kept plus open uploads. */
  async usedBytes(orgId: string, excludingUpload: string | undefined, m?: EntityManager): Promise<number> {
    const run = (manager: EntityManager) =>
      manager.query(
        `SELECT
           (SELECT coalesce(sum(size_bytes), 0) FROM datasets.dataset_versions WHERE org_id = $1 AND purged_at IS NULL)
         + (SELECT coalesce(sum(total_bytes), 0) FROM datasets.upload_sessions
             WHERE org_id = $1 AND status IN ('UPLOADING', 'COMPLETING', 'VALIDATING')
               AND ($2::uuid IS NULL OR id <> $2::uuid)) AS used`,
        [orgId, excludingUpload ?? null],
      ) as Promise<Array<{ used: string }>>;
    const rows = m ? await run(m) : await inTenant(this.db, orgId, run);
    return Number(rows[0]?.used ?? 0);
  }

  private async checkQuota(orgId: string, bytes: number, excludingUpload: string | undefined, m?: EntityManager) {
    const quota = this.settings.DATASETS_STORAGE_QUOTA_BYTES;
    const used = await this.usedBytes(orgId, excludingUpload, m);
    if (used + bytes > quota) {
      throw new QuotaExceededError(
        `This upload needs ${bytes} bytes but the organization's dataset storage holds ${used} of its ${quota} bytes. Delete versions you no longer need, or ask an admin to raise the quota.`,
        { usedBytes: used, quotaBytes: quota, requestedBytes: bytes },
      );
    }
  }

  private async lockOrganization(m: EntityManager, orgId: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('datasets.quota:' || $1))`, [orgId]);
  }

  private async liveDataset(orgId: string, datasetId: string): Promise<{ id: string }> {
    const rows = isUuid(datasetId)
      ? ((await inTenant(this.db, orgId, (m) =>
          m.query(`SELECT id FROM datasets.datasets WHERE id = $1 AND org_id = $2 AND deleted_at IS NULL`, [
            datasetId,
            orgId,
          ]),
        )) as Array<{ id: string }>)
      : [];
    if (!rows[0]) throw new NotFoundError(`There is no dataset ${datasetId} in this organization.`);
    return rows[0];
  }

  private async setStatus(orgId: string, uploadId: string, status: UploadStatus): Promise<void> {
    await inTenant(this.db, orgId, (m) =>
      m.query(`UPDATE datasets.upload_sessions SET status = $3, updated_at = now() WHERE id = $1 AND org_id = $2`, [
        uploadId,
        orgId,
        status,
      ]),
    );
  }

  /** Removes staged objects: aborts their multipart uploads and, once joined, deletes them. */
  async discardStaged(files: readonly Pick<UploadFile, 'key' | 'multipartId'>[], abort = true): Promise<void> {
    await Promise.all(
      files.map(async (f) => {
        try {
          if (abort) await this.blob.abortMultipartUpload(f.key, f.multipartId);
          await this.blob.delete(f.key);
        } catch (err) {
          this.log.warn({ err, key: f.key }, 'could not remove a staged upload object; the sweeper retries');
        }
      }),
    );
  }
}

/** "3, 4 and 7" for short lists, "3, 4, 5 … (12 in all)" for long ones. */
function summarize(numbers: number[]): string {
  if (numbers.length <= 5) return numbers.join(', ');
  return `${numbers.slice(0, 5).join(', ')} … (${numbers.length} in all)`;
}
