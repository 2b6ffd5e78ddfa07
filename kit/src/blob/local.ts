import { createHash, randomBytes } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import {
  access,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictError, InputError, NotFoundError } from '../errors.js';
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
import {
  MIN_PART_SIZE,
  assertValidCompletedParts,
  assertValidKey,
  assertValidPartNumber,
  assertValidPrefix,
  assertValidRange,
  assertValidTtl,
  normalizeEtag,
} from './keys.js';
import { BlobUrlSigner } from './local-signing.js';

export interface LocalBlobStoreOptions {
  dir: string;
  publicBaseUrl: string;
  signingSecret: string;
  logger: Logger;
}

/** Sidecar of one object; trusted only while size and mtime still match the data file. */
interface ObjectMeta {
  etag: string;
  contentType: string;
  size: number;
  mtimeMs: number;
}

interface UploadRecord {
  key: string;
  contentType: string;
  initiated: string;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
const STALE_TEMP_MS = 24 * 3600 * 1000;
const PART_FILE = /^(\d{5})\.([0-9a-f]{32})$/;
const UPLOAD_ID = /^[0-9a-f]{32}$/;

/**
 * Objects in a directory: `objects/<key>` holds the bytes, `.meta/<key>.json` the ETag and type,
 * `.uploads/<id>/` the parts of multipart uploads, `.tmp/` files being written (renamed into
 * place when complete, so readers never see half an object).
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local' as const;
  readonly root: string;
  readonly signer: BlobUrlSigner;
  readonly logger: Logger;
  private readonly objectsDir: string;
  private readonly metaDir: string;
  private readonly uploadsDir: string;
  private readonly tmpDir: string;

  constructor(opts: LocalBlobStoreOptions) {
    this.root = path.resolve(opts.dir);
    this.objectsDir = path.join(this.root, 'objects');
    this.metaDir = path.join(this.root, '.meta');
    this.uploadsDir = path.join(this.root, '.uploads');
    this.tmpDir = path.join(this.root, '.tmp');
    this.signer = new BlobUrlSigner(opts.publicBaseUrl, opts.signingSecret);
    this.logger = opts.logger;
  }

  async ensureReady(): Promise<void> {
    for (const dir of [this.objectsDir, this.metaDir, this.uploadsDir, this.tmpDir]) {
      await mkdir(dir, { recursive: true });
    }
    // temp files older than a day belong to writes that died with their process
    for (const name of await readdir(this.tmpDir)) {
      const file = path.join(this.tmpDir, name);
      const info = await stat(file).catch(() => null);
      if (info && Date.now() - info.mtimeMs > STALE_TEMP_MS) await rm(file, { force: true });
    }
  }

  async ping(): Promise<void> {
    await access(this.objectsDir, constants.R_OK | constants.W_OK);
    await access(this.tmpDir, constants.W_OK);
  }

  async put(key: string, body: BlobBody, opts: PutOptions = {}): Promise<PutResult> {
    assertValidKey(key);
    const written = await this.writeTemp(body, opts.size);
    try {
      await this.commit(written.file, key, {
        etag: written.md5,
        contentType: opts.contentType || DEFAULT_CONTENT_TYPE,
        size: written.size,
      });
    } catch (err) {
      await rm(written.file, { force: true });
      throw err;
    }
    return { key, size: written.size, etag: written.md5 };
  }

  async get(key: string, opts: GetOptions = {}): Promise<Readable> {
    assertValidRange(opts);
    const handle = await open(this.objectPath(key), 'r').catch((err: unknown) => {
      throw isMissing(err) || errno(err) === 'EISDIR' ? notFound(key) : err;
    });
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw notFound(key);
      const start = opts.start ?? 0;
      const end = Math.min(opts.end ?? info.size - 1, info.size - 1);
      if (opts.start !== undefined && start >= info.size) {
        throw new InputError(`range start ${start} is beyond the object's ${info.size} bytes`, {
          key,
        });
      }
      if (info.size === 0) return Readable.from([]);
      return handle.createReadStream({ start, end });
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    const file = this.objectPath(key);
    const info = await stat(file).catch((err: unknown) => {
      if (isMissing(err)) return null;
      throw err;
    });
    if (!info?.isFile()) return null;
    const meta = await this.readMeta(key);
    const trusted = meta && meta.size === info.size && meta.mtimeMs === info.mtimeMs;
    return {
      key,
      size: info.size,
      // an object written without its sidecar (or replaced under it) gets a weak but stable tag
      etag: trusted ? meta.etag : `${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}`,
      contentType: trusted ? meta.contentType : DEFAULT_CONTENT_TYPE,
      lastModified: info.mtime,
    };
  }

  async *list(prefix: string, opts: ListOptions = {}): AsyncIterable<BlobListItem> {
    assertValidPrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    const dirKey = prefix.slice(0, slash + 1);
    const dir = path.join(this.objectsDir, ...dirKey.split('/').filter(Boolean));
    yield* this.walk(dir, dirKey, prefix, opts.startAfter);
  }

  async delete(key: string): Promise<void> {
    const file = this.objectPath(key);
    await unlinkIfPresent(file);
    await unlinkIfPresent(this.metaPath(key));
    await this.pruneEmptyDirs(this.objectsDir, path.dirname(file));
    await this.pruneEmptyDirs(this.metaDir, path.dirname(this.metaPath(key)));
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertValidPrefix(prefix);
    for await (const upload of this.listIncompleteUploads(prefix)) {
      await this.abortMultipartUpload(upload.key, upload.uploadId);
    }
    for await (const item of this.list(prefix)) {
      await this.delete(item.key);
    }
  }

  async createMultipartUpload(
    key: string,
    opts: MultipartUploadOptions = {},
  ): Promise<{ uploadId: string }> {
    assertValidKey(key);
    const uploadId = randomBytes(16).toString('hex');
    const dir = path.join(this.uploadsDir, uploadId);
    await mkdir(dir, { recursive: true });
    const record: UploadRecord = {
      key,
      contentType: opts.contentType || DEFAULT_CONTENT_TYPE,
      initiated: new Date().toISOString(),
    };
    await writeFile(path.join(dir, 'upload.json'), JSON.stringify(record));
    return { uploadId };
  }

  async presignUploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    ttlSeconds: number,
  ): Promise<string> {
    assertValidKey(key);
    assertValidPartNumber(partNumber);
    assertValidTtl(ttlSeconds);
    return this.signer.sign('PUT', key, ttlSeconds, { uploadId, partNumber });
  }

  /** Stores one part of a multipart upload (what a presigned part URL does); etag = md5 of the part. */
  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: BlobBody,
    size?: number,
  ): Promise<UploadedPart> {
    assertValidPartNumber(partNumber);
    const { dir } = await this.readUpload(key, uploadId);
    const written = await this.writeTemp(body, size);
    const label = String(partNumber).padStart(5, '0');
    try {
      await rename(written.file, path.join(dir, `${label}.${written.md5}`));
    } catch (err) {
      await rm(written.file, { force: true });
      if (isMissing(err)) throw noSuchUpload(key, uploadId);
      throw err;
    }
    // a part sent again replaces the earlier copy
    for (const name of await readdir(dir)) {
      if (name.startsWith(`${label}.`) && name !== `${label}.${written.md5}`) {
        await rm(path.join(dir, name), { force: true });
      }
    }
    return { partNumber, etag: written.md5, size: written.size };
  }

  async listUploadedParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    const { dir } = await this.readUpload(key, uploadId);
    const parts = new Map<number, UploadedPart & { mtimeMs: number }>();
    for (const name of await readdir(dir)) {
      const match = PART_FILE.exec(name);
      if (!match) continue;
      const info = await stat(path.join(dir, name)).catch(() => null);
      if (!info) continue;
      const partNumber = Number(match[1]);
      const seen = parts.get(partNumber);
      if (!seen || seen.mtimeMs < info.mtimeMs) {
        parts.set(partNumber, { partNumber, etag: match[2]!, size: info.size, mtimeMs: info.mtimeMs });
      }
    }
    return [...parts.values()]
      .sort((a, b) => a.partNumber - b.partNumber)
      .map(({ partNumber, etag, size }) => ({ partNumber, etag, size }));
  }

  async completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: CompletedPart[],
  ): Promise<PutResult> {
    assertValidCompletedParts(parts);
    const { dir, record } = await this.readUpload(key, uploadId);
    const uploaded = new Map((await this.listUploadedParts(key, uploadId)).map((p) => [p.partNumber, p]));
    const files: string[] = [];
    parts.forEach((part, index) => {
      const found = uploaded.get(part.partNumber);
      if (!found || found.etag !== normalizeEtag(part.etag)) {
        throw new InputError(
          `part ${part.partNumber} was not uploaded or its ETag does not match; list the uploaded parts and send the missing ones`,
          { key, uploadId, partNumber: part.partNumber },
        );
      }
      if (index < parts.length - 1 && found.size < MIN_PART_SIZE) {
        throw new InputError(
          `part ${part.partNumber} is ${found.size} bytes; every part but the last must be at least 5 MiB`,
          { key, uploadId, partNumber: part.partNumber },
        );
      }
      files.push(path.join(dir, `${String(part.partNumber).padStart(5, '0')}.${found.etag}`));
    });

    const temp = await this.tempFile();
    const size = { bytes: 0 };
    try {
      await pipeline(async function* () {
        for (const file of files) {
          for await (const chunk of createReadStream(file)) {
            size.bytes += (chunk as Buffer).length;
            yield chunk as Buffer;
          }
        }
      }, createWriteStream(temp, { flags: 'wx' }));
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    // S3's multipart ETag: md5 of the parts' binary md5s, then the part count
    const digests = parts.map((p) => Buffer.from(normalizeEtag(p.etag), 'hex'));
    const etag = `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${parts.length}`;
    try {
      await this.commit(temp, key, { etag, contentType: record.contentType, size: size.bytes });
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    await rm(dir, { recursive: true, force: true });
    return { key, size: size.bytes, etag };
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    if (!UPLOAD_ID.test(uploadId)) return;
    const dir = path.join(this.uploadsDir, uploadId);
    const record = await this.readUploadRecord(dir);
    if (record && record.key !== key) return;
    await rm(dir, { recursive: true, force: true });
  }

  async *listIncompleteUploads(prefix: string): AsyncIterable<IncompleteUpload> {
    assertValidPrefix(prefix);
    const names = await readdir(this.uploadsDir).catch((err: unknown) => {
      if (isMissing(err)) return [] as string[];
      throw err;
    });
    const uploads: IncompleteUpload[] = [];
    for (const uploadId of names) {
      if (!UPLOAD_ID.test(uploadId)) continue;
      const record = await this.readUploadRecord(path.join(this.uploadsDir, uploadId));
      if (record?.key.startsWith(prefix)) {
        uploads.push({ key: record.key, uploadId, initiated: new Date(record.initiated) });
      }
    }
    uploads.sort((a, b) => compareKeys(a.key, b.key) || a.initiated.getTime() - b.initiated.getTime());
    yield* uploads;
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

  /** The file holding `key`, guaranteed to lie inside the store's objects directory. */
  objectPath(key: string): string {
    return this.inside(this.objectsDir, key, '');
  }

  private metaPath(key: string): string {
    return this.inside(this.metaDir, key, '.json');
  }

  private inside(base: string, key: string, suffix: string): string {
    assertValidKey(key);
    const file = path.resolve(base, ...key.split('/')) + suffix;
    if (!file.startsWith(base + path.sep)) {
      throw new InputError('blob key points outside the store', { key });
    }
    return file;
  }

  private async tempFile(): Promise<string> {
    await mkdir(this.tmpDir, { recursive: true });
    return path.join(this.tmpDir, randomBytes(12).toString('hex'));
  }

  /** Streams a body into a new temp file, hashing and counting it on the way. */
  private async writeTemp(
    body: BlobBody,
    expectedSize: number | undefined,
  ): Promise<{ file: string; size: number; md5: string }> {
    const file = await this.tempFile();
    const digest = new DigestStream();
    try {
      await pipeline(toReadable(body), digest, createWriteStream(file, { flags: 'wx' }));
      if (expectedSize !== undefined && digest.bytes !== expectedSize) {
        throw new InputError(
          `the upload was ${digest.bytes} bytes but ${expectedSize} were announced`,
          { expectedSize, size: digest.bytes },
        );
      }
    } catch (err) {
      await rm(file, { force: true });
      throw err;
    }
    return { file, size: digest.bytes, md5: digest.md5() };
  }

  /** Moves a finished temp file to `key`, its sidecar first so a reader never sees a stale tag. */
  private async commit(temp: string, key: string, meta: Omit<ObjectMeta, 'mtimeMs'>): Promise<void> {
    const target = this.objectPath(key);
    const metaTarget = this.metaPath(key);
    const { mtimeMs } = await stat(temp);
    const metaTemp = await this.tempFile();
    await writeFile(metaTemp, JSON.stringify({ ...meta, mtimeMs } satisfies ObjectMeta));
    try {
      await this.renameInto(metaTemp, metaTarget, key);
      await this.renameInto(temp, target, key);
    } catch (err) {
      await rm(metaTemp, { force: true });
      throw err;
    }
  }

  private async renameInto(from: string, to: string, key: string): Promise<void> {
    // a concurrent delete may prune the directory between mkdir and rename: try twice
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(path.dirname(to), { recursive: true });
        await rename(from, to);
        return;
      } catch (err) {
        const code = errno(err);
        if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR') {
          throw new ConflictError(
            `blob key ${key} collides with an existing key that is a prefix of it (or has it as a prefix); the local store keeps keys as files and directories`,
            { key },
          );
        }
        if (code !== 'ENOENT' || attempt > 0) throw err;
      }
    }
  }

  private async readMeta(key: string): Promise<ObjectMeta | null> {
    try {
      return JSON.parse(await readFile(this.metaPath(key), 'utf8')) as ObjectMeta;
    } catch {
      return null;
    }
  }

  private async readUploadRecord(dir: string): Promise<UploadRecord | null> {
    try {
      return JSON.parse(await readFile(path.join(dir, 'upload.json'), 'utf8')) as UploadRecord;
    } catch {
      return null;
    }
  }

  private async readUpload(
    key: string,
    uploadId: string,
  ): Promise<{ dir: string; record: UploadRecord }> {
    assertValidKey(key);
    if (typeof uploadId !== 'string' || !UPLOAD_ID.test(uploadId)) throw noSuchUpload(key, uploadId);
    const dir = path.join(this.uploadsDir, uploadId);
    const record = await this.readUploadRecord(dir);
    if (!record || record.key !== key) throw noSuchUpload(key, uploadId);
    return { dir, record };
  }

  private async *walk(
    dir: string,
    dirKey: string,
    prefix: string,
    startAfter: string | undefined,
  ): AsyncGenerator<BlobListItem> {
    const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
      if (isMissing(err) || errno(err) === 'ENOTDIR') return [];
      throw err;
    });
    // sorting names with a "/" after directories makes the depth-first walk yield keys in order
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
      const key = sortKey;
      if (!key.startsWith(prefix)) continue;
      if (startAfter !== undefined && compareKeys(key, startAfter) <= 0) continue;
      const info = await stat(path.join(dir, entry.name)).catch(() => null);
      if (info) yield { key, size: info.size, lastModified: info.mtime };
    }
  }

  private async pruneEmptyDirs(base: string, dir: string): Promise<void> {
    while (dir.startsWith(base + path.sep)) {
      try {
        await rmdir(dir);
      } catch {
        return;
      }
      dir = path.dirname(dir);
    }
  }
}

/** Passes bytes through while counting them and computing their md5. */
class DigestStream extends Transform {
  bytes = 0;
  private readonly hash = createHash('md5');

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }

  md5(): string {
    return this.hash.digest('hex');
  }
}

function toReadable(body: BlobBody): Readable {
  if (typeof body === 'string') return Readable.from([Buffer.from(body)]);
  if (Buffer.isBuffer(body)) return Readable.from([body]);
  return body;
}

/** S3 orders keys by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

function isMissing(err: unknown): boolean {
  return errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR';
}

async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    const code = errno(err);
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EISDIR' && code !== 'EPERM') throw err;
  }
}

function notFound(key: string): NotFoundError {
  return new NotFoundError(`blob ${key} does not exist`, { key });
}

function noSuchUpload(key: string, uploadId: string): NotFoundError {
  return new NotFoundError(
    `no multipart upload ${uploadId} for ${key}: it was completed, aborted, or never started`,
    { key, uploadId },
  );
}
