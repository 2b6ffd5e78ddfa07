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
/** Parts uploaded at once by a streamed put; with 8 MiB parts that is ~40 MiB in memory. */
const PARTS_IN_FLIGHT = 4;
const DELETE_BATCH = 1000;

type RequestArgs = Parameters<Client['makeRequestAsync']>;

/** minio's client, with its protected part listing exposed and one compatibility fix. */
class BlobS3Client extends Client {
  uploadedParts(bucket: string, key: string, uploadId: string) {
    return this.listParts(bucket, key, uploadId);
  }

  override makeRequestAsync(...[options, ...rest]: RequestArgs) {
    // minio sends `delimiter=` when listing multipart uploads recursively; S3 and MinIO read an
    // empty delimiter as none, but Swift's s3api groups every upload under one empty prefix.
    if (options.query?.startsWith('uploads&')) {
      options = { ...options, query: options.query.replace(/&delimiter=(?=&|$)/, '') };
    }
    return super.makeRequestAsync(options, ...rest);
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
    const headers = { 'Content-Type': opts.contentType || DEFAULT_CONTENT_TYPE };
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      const buffer = typeof body === 'string' ? Buffer.from(body) : body;
      if (buffer.length <= partSizeFor(1, buffer.length)) {
        return this.putSingle(key, buffer, headers, opts.size);
      }
      body = Readable.from([buffer]);
    }
    const parts = partsOf(body, (n) => partSizeFor(n, opts.size));
    const first = await parts.next();
    const second = first.done ? first : await parts.next();
    if (second.done) {
      return this.putSingle(key, first.done ? Buffer.alloc(0) : first.value, headers, opts.size);
    }
    const uploadId = await this.client.initiateNewMultipartUpload(this.bucket, key, headers);
    try {
      async function* all() {
        yield first.value as Buffer;
        yield second.value as Buffer;
        yield* parts;
      }
      const { size, etags } = await this.uploadParts(key, uploadId, all());
      checkSize(size, opts.size);
      const result = await this.client.completeMultipartUpload(this.bucket, key, uploadId, etags);
      return { key, size, etag: normalizeEtag(result.etag) };
    } catch (err) {
      await parts.return(undefined); // stops reading the caller's stream
      await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch((abortErr: unknown) => {
        this.logger.warn({ err: abortErr, key, uploadId }, 'could not abort a failed upload');
      });
      throw mapError(err, key);
    }
  }

  private async putSingle(
    key: string,
    buffer: Buffer,
    headers: Record<string, string>,
    expectedSize: number | undefined,
  ): Promise<PutResult> {
    checkSize(buffer.length, expectedSize);
    const result = await this.client.putObject(this.bucket, key, buffer, buffer.length, headers);
    return { key, size: buffer.length, etag: normalizeEtag(result.etag) };
  }

  /** Uploads parts as they come, a few at a time; settles every request before returning. */
  private async uploadParts(
    key: string,
    uploadId: string,
    parts: AsyncIterable<Buffer>,
  ): Promise<{ size: number; etags: { part: number; etag: string }[] }> {
    const etags: { part: number; etag: string }[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    let size = 0;
    let part = 0;
    try {
      for await (const payload of parts) {
        while (inFlight.size >= PARTS_IN_FLIGHT && failure === undefined) {
          await Promise.race(inFlight);
        }
        if (failure !== undefined) break;
        const partNumber = ++part;
        size += payload.length;
        const request = { bucketName: this.bucket, objectName: key, partNumber, headers: {} };
        const task = this.client
          .uploadPart({ ...request, uploadID: encodeURIComponent(uploadId) }, payload)
          .then(
            (r) => void (etags[partNumber - 1] = { part: partNumber, etag: r.etag }),
            (err: unknown) => void (failure ??= err),
          )
          .finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
    } finally {
      await Promise.all(inFlight);
    }
    if (failure !== undefined) throw failure;
    return { size, etags };
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
      return {
        key,
        size: info.size,
        etag: normalizeEtag(info.etag),
        contentType,
        lastModified: info.lastModified,
      };
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
