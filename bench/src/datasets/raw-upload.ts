import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createBlobStore, createLogger, type BlobStore } from '@aitip/kit';
import { stepsOf, type BenchPlatform, type S3Settings, type UploadSteps } from './platform.js';
import { putParts } from './part-uploads.js';

/** How long the raw path's part URLs stay valid (the platform's DATASETS_URL_TTL_SECONDS default). */
const URL_TTL_SECONDS = 3600;

/**
 * The storage the platform writes to, opened in the benchmark process with the platform's own
 * settings: the same S3 server and bucket, or the platform's blob directory and signing secret, so
 * that local part URLs point at (and are accepted by) the same router `/blob/` route.
 */
export function openPlatformStorage(platform: BenchPlatform, s3: S3Settings | undefined): BlobStore {
  return createBlobStore({
    ...(s3 ? { s3 } : {}),
    localDir: join(platform.dataDir, 'blobs'),
    publicBaseUrl: platform.url,
    signingSecret: platform.internalSecret,
    logger: createLogger('bench-datasets', 'warn'),
  });
}

/**
 * The same bytes as one multipart upload straight to storage, without the platform:
 * createMultipartUpload, a presigned URL per part, the same PUTs, completeMultipartUpload.
 * Returns the seconds from the first call to the completion, and of each step; the object is
 * removed afterwards.
 */
export async function uploadRaw(
  blob: BlobStore,
  file: string,
  size: number,
  partSize: number,
): Promise<{ seconds: number; steps: UploadSteps }> {
  const key = `bench-raw/${randomUUID()}/0`;
  const started = performance.now();
  const { uploadId } = await blob.createMultipartUpload(key, { contentType: 'application/octet-stream' });
  const partCount = Math.max(1, Math.ceil(size / partSize));
  const urls = await Promise.all(
    Array.from({ length: partCount }, async (_, i) => ({
      partNumber: i + 1,
      url: await blob.presignUploadPart(key, uploadId, i + 1, URL_TTL_SECONDS),
    })),
  );
  const putStarted = performance.now();
  const parts = await putParts(file, size, partSize, urls);
  const putDone = performance.now();
  const result = await blob.completeMultipartUpload(key, uploadId, parts);
  const done = performance.now();
  if (result.size !== size) throw new Error(`The raw upload stored ${result.size} bytes instead of ${size}.`);
  await blob.delete(key);
  return { seconds: (done - started) / 1000, steps: stepsOf(started, putStarted, putDone, done) };
}
