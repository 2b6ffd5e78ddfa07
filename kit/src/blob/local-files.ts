import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictError, InputError } from '../errors.js';
import type { BlobBody } from './index.js';
import { assertValidKey } from './keys.js';

/** Sidecar of one object; trusted only while size and mtime still match the data file. */
export interface ObjectMeta {
  etag: string;
  contentType: string;
  size: number;
  mtimeMs: number;
}

export interface TempFile {
  file: string;
  size: number;
  md5: string;
}

/**
 * The local store's files: `objects/<key>` holds the bytes, `.meta/<key>.json` the ETag and type,
 * `.tmp/` files being written, which are renamed into place only when complete.
 */
export class LocalObjectFiles {
  readonly objectsDir: string;
  readonly metaDir: string;
  readonly tmpDir: string;

  constructor(root: string) {
    this.objectsDir = path.join(root, 'objects');
    this.metaDir = path.join(root, '.meta');
    this.tmpDir = path.join(root, '.tmp');
  }

  /** The file holding `key`, guaranteed to lie inside the objects directory. */
  objectPath(key: string): string {
    return inside(this.objectsDir, key, '');
  }

  metaPath(key: string): string {
    return inside(this.metaDir, key, '.json');
  }

  async tempFile(): Promise<string> {
    await mkdir(this.tmpDir, { recursive: true });
    return path.join(this.tmpDir, randomBytes(12).toString('hex'));
  }

  /** Streams a body into a new temp file, hashing and counting it on the way. */
  async writeTemp(body: BlobBody, expectedSize: number | undefined): Promise<TempFile> {
    const file = await this.tempFile();
    const digest = new DigestStream();
    try {
      await pipeline(toReadable(body), digest, createWriteStream(file, { flags: 'wx' }));
      if (expectedSize !== undefined && digest.bytes !== expectedSize) {
        throw new InputError(`the upload was ${digest.bytes} bytes but ${expectedSize} were announced`, {
          expectedSize,
          size: digest.bytes,
        });
      }
    } catch (err) {
      await rm(file, { force: true });
      throw err;
    }
    return { file, size: digest.bytes, md5: digest.md5() };
  }

  /**
   * Moves a finished temp file to `key` (removing it on failure), its sidecar first so that a
   * reader never pairs new bytes with an old ETag.
   */
  async commit(temp: string, key: string, meta: Omit<ObjectMeta, 'mtimeMs'>): Promise<void> {
    const target = this.objectPath(key);
    const metaTarget = this.metaPath(key);
    const metaTemp = await this.tempFile();
    try {
      await makeParent(target, key);
      await makeParent(metaTarget, key);
      const { mtimeMs } = await stat(temp);
      await writeFile(metaTemp, JSON.stringify({ ...meta, mtimeMs } satisfies ObjectMeta));
      await renameInto(metaTemp, metaTarget, key);
      await renameInto(temp, target, key);
    } catch (err) {
      await rm(temp, { force: true });
      await rm(metaTemp, { force: true });
      throw err;
    }
  }

  async readMeta(key: string): Promise<ObjectMeta | null> {
    try {
      return JSON.parse(await readFile(this.metaPath(key), 'utf8')) as ObjectMeta;
    } catch {
      return null;
    }
  }

  async remove(key: string): Promise<void> {
    const file = this.objectPath(key);
    const meta = this.metaPath(key);
    await unlinkIfPresent(file);
    await unlinkIfPresent(meta);
    await pruneEmptyDirs(this.objectsDir, path.dirname(file));
    await pruneEmptyDirs(this.metaDir, path.dirname(meta));
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

function inside(base: string, key: string, suffix: string): string {
  assertValidKey(key);
  const file = path.resolve(base, ...key.split('/')) + suffix;
  if (!file.startsWith(base + path.sep)) {
    throw new InputError('blob key points outside the store', { key });
  }
  return file;
}

function toReadable(body: BlobBody): Readable {
  if (typeof body === 'string') return Readable.from([Buffer.from(body)]);
  if (Buffer.isBuffer(body)) return Readable.from([body]);
  return body;
}

function conflict(key: string): ConflictError {
  return new ConflictError(
    `blob key ${key} collides with an existing key that is a prefix of it, or has it as a prefix; the local store keeps keys as files and directories`,
    { key },
  );
}

async function makeParent(file: string, key: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
  } catch (err) {
    if (errno(err) === 'ENOTDIR' || errno(err) === 'EEXIST') throw conflict(key);
    throw err;
  }
}

async function renameInto(from: string, to: string, key: string): Promise<void> {
  // a concurrent delete may prune the directory between mkdir and rename: try twice
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (err) {
      const code = errno(err);
      if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'ENOTEMPTY') throw conflict(key);
      if (code !== 'ENOENT' || attempt > 0) throw err;
      await makeParent(to, key);
    }
  }
}

async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    const code = errno(err);
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EISDIR' && code !== 'EPERM') throw err;
  }
}

/** Removes `dir` and its parents up to (not including) `base` while they are empty. */
export async function pruneEmptyDirs(base: string, dir: string): Promise<void> {
  while (dir.startsWith(base + path.sep)) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
    dir = path.dirname(dir);
  }
}

/** S3 orders keys by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

export function isMissing(err: unknown): boolean {
  return errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR';
}
