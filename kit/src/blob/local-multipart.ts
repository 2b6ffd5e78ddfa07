import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InputError, NotFoundError } from '../errors.js';
import type { BlobBody, CompletedPart, IncompleteUpload, PutResult, UploadedPart } from './index.js';
import {
  MIN_PART_SIZE,
  assertValidCompletedParts,
  assertValidKey,
  assertValidPartNumber,
  normalizeEtag,
} from './keys.js';
import { compareKeys, isMissing, type LocalObjectFiles } from './local-files.js';

interface UploadRecord {
  key: string;
  contentType: string;
  initiated: string;
}

const UPLOAD_ID = /^[0-9a-f]{32}$/;
/** A part is stored as `<5-digit number>.<md5>`: one rename publishes its bytes and ETag together. */
const PART_FILE = /^(\d{5})\.([0-9a-f]{32})$/;

/** Multipart uploads of the local store, one directory `.uploads/<id>/` each. */
export class LocalMultipartUploads {
  constructor(
    private readonly dir: string,
    private readonly files: LocalObjectFiles,
  ) {}

  async create(key: string, contentType: string): Promise<{ uploadId: string }> {
    assertValidKey(key);
    const uploadId = randomBytes(16).toString('hex');
    const dir = path.join(this.dir, uploadId);
    await mkdir(dir, { recursive: true });
    const record: UploadRecord = { key, contentType, initiated: new Date().toISOString() };
    await writeFile(path.join(dir, 'upload.json'), JSON.stringify(record));
    return { uploadId };
  }

  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: BlobBody,
    size?: number,
  ): Promise<UploadedPart> {
    assertValidPartNumber(partNumber);
    const { dir } = await this.open(key, uploadId);
    const written = await this.files.writeTemp(body, size);
    const name = partFileName(partNumber, written.md5);
    try {
      await rename(written.file, path.join(dir, name));
    } catch (err) {
      await rm(written.file, { force: true });
      if (isMissing(err)) throw noSuchUpload(key, uploadId);
      throw err;
    }
    // a part sent again replaces the earlier copy
    const label = name.slice(0, 6);
    for (const other of await readdir(dir)) {
      if (other.startsWith(label) && other !== name) await rm(path.join(dir, other), { force: true });
    }
    return { partNumber, etag: written.md5, size: written.size };
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    const { dir } = await this.open(key, uploadId);
    const parts = new Map<number, UploadedPart & { mtimeMs: number }>();
    for (const name of await readdir(dir)) {
      const match = PART_FILE.exec(name);
      if (!match) continue;
      const info = await stat(path.join(dir, name)).catch(() => null);
      if (!info) continue;
      const partNumber = Number(match[1]);
      const seen = parts.get(partNumber);
      if (!seen || seen.mtimeMs < info.mtimeMs) {
        parts.set(partNumber, {
          partNumber,
          etag: match[2]!,
          size: info.size,
          mtimeMs: info.mtimeMs,
        });
      }
    }
    return [...parts.values()]
      .sort((a, b) => a.partNumber - b.partNumber)
      .map(({ partNumber, etag, size }) => ({ partNumber, etag, size }));
  }

  /** Concatenates the parts by streaming them into a temp file, then publishes it as the object. */
  async complete(key: string, uploadId: string, parts: CompletedPart[]): Promise<PutResult> {
    assertValidCompletedParts(parts);
    const { dir, record } = await this.open(key, uploadId);
    const uploaded = new Map((await this.listParts(key, uploadId)).map((p) => [p.partNumber, p]));
    const sources = parts.map((part, index) => {
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
      return path.join(dir, partFileName(part.partNumber, found.etag));
    });

    const temp = await this.files.tempFile();
    let size = 0;
    try {
      await pipeline(
        async function* () {
          for (const file of sources) {
            for await (const chunk of createReadStream(file)) {
              size += (chunk as Buffer).length;
              yield chunk as Buffer;
            }
          }
        },
        createWriteStream(temp, { flags: 'wx' }),
      );
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    // S3's multipart ETag: the md5 of the parts' binary md5s, then the part count
    const digests = Buffer.concat(parts.map((p) => Buffer.from(normalizeEtag(p.etag), 'hex')));
    const etag = `${createHash('md5').update(digests).digest('hex')}-${parts.length}`;
    await this.files.commit(temp, key, { etag, contentType: record.contentType, size });
    await rm(dir, { recursive: true, force: true });
    return { key, size, etag };
  }

  async abort(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    if (typeof uploadId !== 'string' || !UPLOAD_ID.test(uploadId)) return;
    const dir = path.join(this.dir, uploadId);
    const record = await readRecord(dir);
    if (record && record.key !== key) return;
    await rm(dir, { recursive: true, force: true });
  }

  async listIncomplete(prefix: string): Promise<IncompleteUpload[]> {
    const names = await readdir(this.dir).catch((err: unknown) => {
      if (isMissing(err)) return [] as string[];
      throw err;
    });
    const uploads: IncompleteUpload[] = [];
    for (const uploadId of names) {
      if (!UPLOAD_ID.test(uploadId)) continue;
      const record = await readRecord(path.join(this.dir, uploadId));
      if (record?.key.startsWith(prefix)) {
        uploads.push({ key: record.key, uploadId, initiated: new Date(record.initiated) });
      }
    }
    return uploads.sort((a, b) => compareKeys(a.key, b.key) || a.initiated.getTime() - b.initiated.getTime());
  }

  private async open(key: string, uploadId: string): Promise<{ dir: string; record: UploadRecord }> {
    assertValidKey(key);
    if (typeof uploadId !== 'string' || !UPLOAD_ID.test(uploadId)) {
      throw noSuchUpload(key, uploadId);
    }
    const dir = path.join(this.dir, uploadId);
    const record = await readRecord(dir);
    if (!record || record.key !== key) throw noSuchUpload(key, uploadId);
    return { dir, record };
  }
}

function partFileName(partNumber: number, md5: string): string {
  return `${String(partNumber).padStart(5, '0')}.${md5}`;
}

async function readRecord(dir: string): Promise<UploadRecord | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'upload.json'), 'utf8')) as UploadRecord;
  } catch {
    return null;
  }
}

function noSuchUpload(key: string, uploadId: string): NotFoundError {
  return new NotFoundError(`no multipart upload ${uploadId} for ${key}: it was completed, aborted, or never started`, {
    key,
    uploadId,
  });
}
