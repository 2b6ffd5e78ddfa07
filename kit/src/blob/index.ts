import type { Readable } from 'node:stream';
import type { Logger } from '../log.js';
import { LocalBlobStore } from './local.js';
import { S3BlobStore } from './s3.js';

export { LocalBlobStore } from './local.js';
export { S3BlobStore } from './s3.js';
export { handleLocalBlobRequest } from './local-http.js';
export { assertValidKey, assertValidPrefix, attachmentDisposition } from './keys.js';

/** What `put` accepts: a whole value, or a stream that is written without being buffered. */
export type BlobBody = Buffer | string | Readable;

export interface PutOptions {
  /** Stored with the object and served back; defaults to application/octet-stream. */
  contentType?: string;
  /** The exact byte count when known; a body of another length is refused. */
  size?: number;
}

export interface PutResult {
  key: string;
  size: number;
  etag: string;
}

/** A byte range; both ends are inclusive, like HTTP `Range: bytes=start-end`. */
export interface GetOptions {
  start?: number;
  end?: number;
}

export interface BlobStat {
  key: string;
  size: number;
  etag: string;
  contentType: string;
  lastModified: Date;
}

export interface BlobListItem {
  key: string;
  size: number;
  lastModified: Date;
}

export interface ListOptions {
  /** Only keys that sort after this one (to resume a listing). */
  startAfter?: string;
}

export interface MultipartUploadOptions {
  contentType?: string;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
  size: number;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

export interface IncompleteUpload {
  key: string;
  uploadId: string;
  initiated: Date;
}

export interface PresignGetOptions {
  /** Served as `Content-Disposition: attachment` with this file name. */
  filename?: string;
}

export interface PresignPutOptions {
  /**
   * The type the object is stored with. S3 takes it from the uploader's Content-Type header, so the
   * uploader should send it; the local store falls back to this value when the header is missing.
   */
  contentType?: string;
}

/**
 * Object storage for datasets, model artifacts and logs. Keys are `/`-separated paths without
 * `.`/`..` segments, a leading `/`, or NUL; listings are recursive and sorted by key (byte order).
 */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Creates the bucket or directory when missing; call once at startup. */
  ensureReady(): Promise<void>;
  /** Throws when the store cannot be used (for /readyz). */
  ping(): Promise<void>;

  /** Stores a body under `key`, streaming it; a failed upload leaves no partial object. */
  put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult>;
  /** Streams an object or a byte range of it; NotFoundError when missing. */
  get(key: string, opts?: GetOptions): Promise<Readable>;
  /** Describes an object, or null when it does not exist. */
  stat(key: string): Promise<BlobStat | null>;
  /** Every object whose key starts with `prefix`, recursively, sorted by key. */
  list(prefix: string, opts?: ListOptions): AsyncIterable<BlobListItem>;
  /** Removes an object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every object under `prefix`, and aborts the multipart uploads under it. */
  deletePrefix(prefix: string): Promise<void>;

  /** Starts an upload whose parts clients send in parallel through presigned part URLs. */
  createMultipartUpload(key: string, opts?: MultipartUploadOptions): Promise<{ uploadId: string }>;
  /** A URL a client PUTs one part to (1..10000); its response carries the part's ETag. */
  presignUploadPart(key: string, uploadId: string, partNumber: number, ttlSeconds: number): Promise<string>;
  /** The parts received so far, ordered by part number, so a client can resume. */
  listUploadedParts(key: string, uploadId: string): Promise<UploadedPart[]>;
  /** Joins the listed parts (ascending; all but the last at least 5 MiB) into the object. */
  completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<PutResult>;
  /** Discards an upload and its parts; aborting an unknown upload is not an error. */
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
  /** Uploads started under `prefix` and neither completed nor aborted (to clean up abandoned ones). */
  listIncompleteUploads(prefix: string): AsyncIterable<IncompleteUpload>;

  /** A URL that downloads the object until it expires. */
  presignGet(key: string, ttlSeconds: number, opts?: PresignGetOptions): Promise<string>;
  /** A URL that uploads the object with one PUT until it expires. */
  presignPut(key: string, ttlSeconds: number, opts?: PresignPutOptions): Promise<string>;
}

export interface S3BlobStoreOptions {
  /** e.g. http://minio:9000 */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region?: string;
  /** Where clients reach the server, when it differs from `endpoint`; presigned URLs use it. */
  publicEndpoint?: string;
}

export interface BlobStoreOptions {
  /** Use an S3 server (MinIO in production); without it objects live in `localDir`. */
  s3?: S3BlobStoreOptions;
  localDir: string;
  /** The router's public URL; local presigned URLs point at `${publicBaseUrl}/blob/...`. */
  publicBaseUrl: string;
  /** Key of the HMAC that signs local presigned URLs. */
  signingSecret: string;
  logger: Logger;
}

/** Builds the S3 store when `s3` is configured, the local directory store otherwise. */
export function createBlobStore(opts: BlobStoreOptions): BlobStore {
  if (opts.s3) {
    return new S3BlobStore({ ...opts.s3, logger: opts.logger });
  }
  return new LocalBlobStore({
    dir: opts.localDir,
    publicBaseUrl: opts.publicBaseUrl,
    signingSecret: opts.signingSecret,
    logger: opts.logger,
  });
}
