import { constants } from 'node:fs';
import { access, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { InputError, NotFoundError } from '../errors.js';
import type { Logger } from '../log.js';
import type {
  BlobBody,
  BlobListItem,
  BlobStat,
  BlobStore,
  CompletedPart,
  GetOptions,
  IncompleteUpload,
  ListOptions,
  MultipartUploadOptions,
  PresignGetOptions,
  PresignPutOptions,
  PutOptions,
  PutResult,
  UploadedPart,
} from './index.js';
import { assertValidKey, assertValidPartNumber, assertValidPrefix, assertValidRange, assertValidTtl } from './keys.js';
import { LocalObjectFiles, compareKeys, errno, isMissing } from './local-files.js';
import { LocalMultipartUploads } from './local-multipart.js';
import { BlobUrlSigner } from './local-signing.js';

export interface LocalBlobStoreOptions {
  dir: string;
  publicBaseUrl: string;
  signingSecret: string;
  logger: Logger;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
const STALE_TEMP_MS = 24 * 3600 * 1000;

/**
 * Objects in a directory on disk (embedded mode). Presigned URLs point at the router's `/blob/`
 * route, served by handleLocalBlobRequest.
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local' as const;
  readonly root: string;
  readonly signer: BlobUrlSigner;
  readonly logger: Logger;
  private readonly files: LocalObjectFiles;
  private readonly uploads: LocalMultipartUploads;
  private readonly uploadsDir: string;

  constructor(opts: LocalBlobStoreOptions) {
    this.root = path.resolve(opts.dir);
    this.files = new LocalObjectFiles(this.root);
    this.uploadsDir = path.join(this.root, '.uploads');
    this.uploads = new LocalMultipartUploads(this.uploadsDir, this.files);
    this.signer = new BlobUrlSigner(opts.publicBaseUrl, opts.signingSecret);
    this.logger = opts.logger;
  }

  async ensureReady(): Promise<void> {
    const { objectsDir, metaDir, tmpDir } = this.files;
    for (const dir of [objectsDir, metaDir, this.uploadsDir, tmpDir]) {
      await mkdir(dir, { recursive: true });
    }
    // temp files older than a day belong to writes that died with their process
    for (const name of await readdir(tmpDir)) {
      const file = path.join(tmpDir, name);
      const info = await stat(file).catch(() => null);
      if (info && Date.now() - info.mtimeMs > STALE_TEMP_MS) await rm(file, { force: true });
    }
  }

  async ping(): Promise<void> {
    await access(this.files.objectsDir, constants.R_OK | constants.W_OK);
    await access(this.files.tmpDir, constants.W_OK);
  }

  async put(key: string, body: BlobBody, opts: PutOptions = {}): Promise<PutResult> {
    assertValidKey(key);
    const written = await this.files.writeTemp(body, opts.size);
    await this.files.commit(written.file, key, {
      etag: written.md5,
      contentType: opts.contentType || DEFAULT_CONTENT_TYPE,
      size: written.size,
    });
    return { key, size: written.size, etag: written.md5 };
  }

  async get(key: string, opts: GetOptions = {}): Promise<Readable> {
    assertValidRange(opts);
    const handle = await open(this.files.objectPath(key), 'r').catch((err: unknown) => {
      throw isMissing(err) || errno(err) === 'EISDIR' ? notFound(key) : err;
    });
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw notFound(key);
      if (opts.start !== undefined && opts.start >= info.size) {
        throw new InputError(`range start ${opts.start} is beyond the object's ${info.size} bytes`, {
          key,
        });
      }
      if (info.size === 0) {
        await handle.close();
        return Readable.from([]);
      }
      const start = opts.start ?? 0;
      const end = Math.min(opts.end ?? info.size - 1, info.size - 1);
      return handle.createReadStream({ start, end });
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    const info = await stat(this.files.objectPath(key)).catch((err: unknown) => {
      if (isMissing(err)) return null;
      throw err;
    });
    if (!info?.isFile()) return null;
    const meta = await this.files.readMeta(key);
    const trusted = meta && meta.size === info.size && meta.mtimeMs === info.mtimeMs;
    return {
      key,
      size: info.size,
      // bytes without a matching sidecar (written by hand, or replaced under it) get a weak tag
      etag: trusted ? meta.etag : `${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}`,
      contentType: trusted ? meta.contentType : DEFAULT_CONTENT_TYPE,
      lastModified: info.mtime,
    };
  }

  async *list(prefix: string, opts: ListOptions = {}): AsyncIterable<BlobListItem> {
    assertValidPrefix(prefix);
    const dirKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const dir = path.join(this.files.objectsDir, ...dirKey.split('/').filter(Boolean));
    yield* this.walk(dir, dirKey, prefix, opts.startAfter);
  }

  async delete(key: string): Promise<void> {
    await this.files.remove(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertValidPrefix(prefix);
    for (const upload of await this.uploads.listIncomplete(prefix)) {
      await this.uploads.abort(upload.key, upload.uploadId);
    }
    for await (const item of this.list(prefix)) {
      await this.files.remove(item.key);
    }
  }

  async createMultipartUpload(key: string, opts: MultipartUploadOptions = {}): Promise<{ uploadId: string }> {
    return this.uploads.create(key, opts.contentType || DEFAULT_CONTENT_TYPE);
  }

  async presignUploadPart(key: string, uploadId: string, partNumber: number, ttlSeconds: number): Promise<string> {
    assertValidKey(key);
    assertValidPartNumber(partNumber);
    assertValidTtl(ttlSeconds);
    return this.signer.sign('PUT', key, ttlSeconds, { uploadId, partNumber });
  }

  /** Stores one part of a multipart upload (what a presigned part URL does); etag = its md5. */
  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: BlobBody,
    size?: number,
  ): Promise<UploadedPart> {
    return this.uploads.uploadPart(key, uploadId, partNumber, body, size);
  }

  async listUploadedParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    return this.uploads.listParts(key, uploadId);
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<PutResult> {
    return this.uploads.complete(key, uploadId, parts);
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    await this.uploads.abort(key, uploadId);
  }

  async *listIncompleteUploads(prefix: string): AsyncIterable<IncompleteUpload> {
    assertValidPrefix(prefix);
    yield* await this.uploads.listIncomplete(prefix);
  }

  async presignGet(key: string, ttlSeconds: number, opts: PresignGetOptions = {}): Promise<string> {
    assertValidKey(key);
    assertValidTtl(ttlSeconds);
    return this.signer.sign('GET', key, ttlSeconds, { filename: opts.filename });
  }

  async presignPut(key: string, ttlSeconds: number, opts: PresignPutOptions = {}): Promise<string> {
    assertValidKey(key);
    assertValidTtl(ttlSeconds);
    return this.signer.sign('PUT', key, ttlSeconds, { contentType: opts.contentType });
  }

  private async *walk(
    dir: string,
    dirKey: string,
    prefix: string,
    startAfter: string | undefined,
  ): AsyncGenerator<BlobListItem> {
    const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
      if (isMissing(err)) return [];
      throw err;
    });
    // sorting directories as "name/" makes this depth-first walk yield keys in byte order
    const sorted = entries
      .filter((e) => e.isFile() || e.isDirectory())
      .map((e) => ({ entry: e, sortKey: dirKey + e.name + (e.isDirectory() ? '/' : '') }))
      .sort((a, b) => compareKeys(a.sortKey, b.sortKey));
    for (const { entry, sortKey } of sorted) {
      if (entry.isDirectory()) {
        if (sortKey.startsWith(prefix) || prefix.startsWith(sortKey)) {
          yield* this.walk(path.join(dir, entry.name), sortKey, prefix, startAfter);
        }
        continue;
      }
      if (!sortKey.startsWith(prefix)) continue;
      if (startAfter !== undefined && compareKeys(sortKey, startAfter) <= 0) continue;
      const info = await stat(path.join(dir, entry.name)).catch(() => null);
      if (info) yield { key: sortKey, size: info.size, lastModified: info.mtime };
    }
  }
}

function notFound(key: string): NotFoundError {
  return new NotFoundError(`blob ${key} does not exist`, { key });
}
