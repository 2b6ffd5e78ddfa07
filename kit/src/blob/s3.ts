import { Readable } from 'node:stream';
import { Client, type ClientOptions } from 'minio';
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
  S3BlobStoreOptions,
  UploadedPart,
} from './index.js';
import {
  assertValidCompletedParts,
  assertValidKey,
  assertValidPartNumber,
  assertValidPrefix,
  assertValidRange,
  assertValidTtl,
  attachmentDisposition,
  normalizeEtag,
} from './keys.js';
import { partSizeFor, partsOf } from './parts.js';

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
/** Parts uploaded at once by a streamed put; with 16 MiB parts that is ~64 MiB in memory. */
const PARTS_IN_FLIGHT = 3;
const DELETE_BATCH = 1000;

/** minio's client, with the part listing it keeps protected made available. */
class BlobS3Client extends Client {
  uploadedParts(bucket: string, key: string, uploadId: string) {
    return this.listParts(bucket, key, uploadId);
  }
}

/** Objects in one bucket of an S3-compatible server (MinIO in production) through the minio client. */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  readonly bucket: string;
  private readonly client: BlobS3Client;
  private readonly presigner: BlobS3Client;
  private readonly region: string;
  private readonly logger: Logger;

  constructor(opts: S3BlobStoreOptions & { logger: Logger }) {
    this.bucket = opts.bucket;
    this.region = opts.region || 'us-east-1';
    this.logger = opts.logger;
    this.client = new BlobS3Client(clientOptions(opts.endpoint, opts, this.region));
    this.presigner = opts.publicEndpoint
      ? new BlobS3Client(clientOptions(opts.publicEndpoint, opts, this.region))
      : this.client;
  }

  async ensureReady(): Promise<void> {
    if (await this.client.bucketExists(this.bucket)) return;
    try {
      await this.client.makeBucket(this.bucket, this.region);
      this.logger.info({ bucket: this.bucket }, 'created blob bucket');
    } catch (err) {
      // another replica may have created it in the meantime
      if (s3Code(err) !== 'BucketAlreadyOwnedByYou' && s3Code(err) !== 'BucketAlreadyExists') throw err;
    }
  }

  async ping(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) {
      throw new Error(`blob bucket ${this.bucket} does not exist`);
    }
  }

  async put(key: string, body: BlobBody, opts: PutOptions = {}): Promise<PutResult> {
    assertValidKey(key);
    const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
    const parts = partsOf(source, (n) => partSizeFor(n, opts.size));
    const headers = { 'Content-Type': opts.contentType || DEFAULT_CONTENT_TYPE };

    const first = await parts.next();
    const second = first.done ? first : await parts.next();
    if (second.done) {
      // fits in one part: a single PUT
      const buffer = first.done ? Buffer.alloc(0) : first.value;
      checkSize(buffer.length, opts.size);
      const result = await this.client.putObject(this.bucket, key, buffer, buffer.length, headers);
      return { key, size: buffer.length, etag: normalizeEtag(result.etag) };
    }

    const uploadId = await this.client.initiateNewMultipartUpload(this.bucket, key, headers);
    const etags: { part: number; etag: string }[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    let size = 0;
    let partNumber = 0;
    const upload = (payload: Buffer) => {
      const part = ++partNumber;
      size += payload.length;
      const task = this.client
        .uploadPart(
          { bucketName: this.bucket, objectName: key, uploadID: encodeURIComponent(uploadId), partNumber: part, headers: {} },
          payload,
        )
        .then(
          (r) => void (etags[part - 1] = { part, etag: r.etag }),
          (err: unknown) => void (failure ??= err),
        )
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    };
    try {
      upload(first.value as Buffer);
      upload(second.value);
      for await (const payload of { [Symbol.asyncIterator]: () => parts }) {
        while (inFlight.size >= PARTS_IN_FLIGHT && failure === undefined) await Promise.race(inFlight);
        if (failure !== undefined) break;
        upload(payload);
      }
      await Promise.all(inFlight);
      if (failure !== undefined) throw failure;
      checkSize(size, opts.size);
      const result = await this.client.completeMultipartUpload(this.bucket, key, uploadId, etags);
      return { key, size, etag: normalizeEtag(result.etag) };
    } catch (err) {
      await Promise.allSettled(inFlight);
      await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch((abortErr: unknown) => {
        this.logger.warn({ err: abortErr, key, uploadId }, 'could not abort a failed upload');
      });
      throw mapError(err, key);
    }
  }

  async get(key: string, opts: GetOptions = {}): Promise<Readable> {
    assertValidKey(key);
    assertValidRange(opts);
    try {
      if (opts.start === undefined && opts.end === undefined) {
        return await this.client.getObject(this.bucket, key);
      }
      const start = opts.start ?? 0;
      const length = opts.end === undefined ? 0 : opts.end - start + 1;
      if (start === 0 && length === 0) return await this.client.getObject(this.bucket, key);
      return await this.client.getPartialObject(this.bucket, key, start, length);
    } catch (err) {
      throw mapError(err, key);
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    assertValidKey(key);
    try {
      const info = await this.client.statObject(this.bucket, key);
      const contentType = (info.metaData['content-type'] as string | undefined) ?? DEFAULT_CONTENT_TYPE;
      return { key, size: info.size, etag: normalizeEtag(info.etag), contentType, lastModified: info.lastModified };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async *list(prefix: string, opts: ListOptions = {}): AsyncIterable<BlobListItem> {
    assertValidPrefix(prefix);
    let token = '';
    do {
      const page = await this.client.listObjectsV2Query(this.bucket, prefix, token, '', 1000, opts.startAfter ?? '');
      for (const item of page.objects) {
        if (item.name !== undefined) yield { key: item.name, size: item.size, lastModified: item.lastModified };
      }
      token = page.isTruncated ? page.nextContinuationToken : '';
    } while (token);
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.removeObject(this.bucket, key);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertValidPrefix(prefix);
    for await (const upload of this.listIncompleteUploads(prefix)) {
      await this.abortMultipartUpload(upload.key, upload.uploadId);
    }
    let batch: string[] = [];
    const flush = async () => {
      const failures = (await this.client.removeObjects(this.bucket, batch)) as unknown as DeleteFailure[];
      batch = [];
      const real = failures.map((f) => f?.Error ?? f).filter((f) => f && f.Code !== 'NoSuchKey');
      if (real.length > 0) {
        throw new Error(`could not delete ${real.length} blobs under ${prefix}: ${real[0]!.Code} ${real[0]!.Message}`);
      }
    };
    // pages continue after the last key listed, so deleting behind the listing skips nothing
    for await (const item of this.list(prefix)) {
      batch.push(item.key);
      if (batch.length >= DELETE_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
  }

  async createMultipartUpload(key: string, opts: MultipartUploadOptions = {}): Promise<{ uploadId: string }> {
    assertValidKey(key);
    const uploadId = await this.client.initiateNewMultipartUpload(this.bucket, key, {
      'Content-Type': opts.contentType || DEFAULT_CONTENT_TYPE,
    });
    return { uploadId };
  }

  async presignUploadPart(key: string, uploadId: string, partNumber: number, ttlSeconds: number): Promise<string> {
    assertValidKey(key);
    assertValidPartNumber(partNumber);
    assertValidTtl(ttlSeconds);
    return this.presigner.presignedUrl('PUT', this.bucket, key, ttlSeconds, {
      partNumber: String(partNumber),
      uploadId,
    });
  }

  async listUploadedParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    assertValidKey(key);
    try {
      const parts = await this.client.uploadedParts(this.bucket, key, uploadId);
      return parts
        .map((p) => ({ partNumber: p.part, etag: normalizeEtag(p.etag), size: p.size }))
        .sort((a, b) => a.partNumber - b.partNumber);
    } catch (err) {
      throw mapError(err, key, uploadId);
    }
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<PutResult> {
    assertValidKey(key);
    assertValidCompletedParts(parts);
    try {
      const result = await this.client.completeMultipartUpload(
        this.bucket,
        key,
        uploadId,
        parts.map((p) => ({ part: p.partNumber, etag: normalizeEtag(p.etag) })),
      );
      const info = await this.client.statObject(this.bucket, key);
      return { key, size: info.size, etag: normalizeEtag(result.etag || info.etag) };
    } catch (err) {
      throw mapError(err, key, uploadId);
    }
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.abortMultipartUpload(this.bucket, key, uploadId);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async *listIncompleteUploads(prefix: string): AsyncIterable<IncompleteUpload> {
    assertValidPrefix(prefix);
    let keyMarker = '';
    let uploadIdMarker = '';
    for (;;) {
      const page = await this.client.listIncompleteUploadsQuery(this.bucket, prefix, keyMarker, uploadIdMarker, '');
      for (const u of page.uploads) {
        yield { key: u.key, uploadId: u.uploadId, initiated: new Date(u.initiated) };
      }
      if (!page.isTruncated) return;
      keyMarker = page.nextKeyMarker;
      uploadIdMarker = page.nextUploadIdMarker;
    }
  }

  async presignGet(key: string, ttlSeconds: number, opts: PresignGetOptions = {}): Promise<string> {
    assertValidKey(key);
    assertValidTtl(ttlSeconds);
    const response: Record<string, string> = {};
    if (opts.filename) response['response-content-disposition'] = attachmentDisposition(opts.filename);
    return this.presigner.presignedGetObject(this.bucket, key, ttlSeconds, response);
  }

  async presignPut(key: string, ttlSeconds: number, _opts: PresignPutOptions = {}): Promise<string> {
    assertValidKey(key);
    assertValidTtl(ttlSeconds);
    return this.presigner.presignedPutObject(this.bucket, key, ttlSeconds);
  }
}

interface DeleteFailure {
  Code?: string;
  Message?: string;
  Error?: { Code?: string; Message?: string };
}

function clientOptions(endpoint: string, creds: S3BlobStoreOptions, region: string): ClientOptions {
  const url = new URL(endpoint);
  const useSSL = url.protocol === 'https:';
  return {
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: creds.accessKey,
    secretKey: creds.secretKey,
    region,
    pathStyle: true,
  };
}

function checkSize(actual: number, expected: number | undefined): void {
  if (expected !== undefined && actual !== expected) {
    throw new InputError(`the upload was ${actual} bytes but ${expected} were announced`, {
      expectedSize: expected,
      size: actual,
    });
  }
}

function s3Code(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

function isNotFound(err: unknown): boolean {
  const code = s3Code(err);
  return code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchUpload';
}

/** Turns the server's answers a caller can act on into typed errors. */
function mapError(err: unknown, key: string, uploadId?: string): unknown {
  switch (s3Code(err)) {
    case 'NoSuchKey':
    case 'NotFound':
      return new NotFoundError(`blob ${key} does not exist`, { key });
    case 'NoSuchUpload':
      return new NotFoundError(
        `no multipart upload ${uploadId ?? ''} for ${key}: it was completed, aborted, or never started`,
        { key, uploadId },
      );
    case 'InvalidRange':
      return new InputError(`the requested range is outside blob ${key}`, { key });
    case 'InvalidPart':
    case 'InvalidPartOrder':
      return new InputError(
        'a part was not uploaded or its ETag does not match; list the uploaded parts and send the missing ones',
        { key, uploadId },
      );
    case 'EntityTooSmall':
      return new InputError('every part but the last must be at least 5 MiB', { key, uploadId });
    default:
      return err;
  }
}
