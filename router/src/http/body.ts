import type { IncomingMessage } from 'node:http';
import { RouterRequestError } from './request-errors.js';

/**
 * Reads a request body of at most `limit` bytes (JSON is parsed). A larger body is refused with
 * 413 without buffering it; the rest is drained so that the client reads the answer rather than a
 * reset connection.
 */
export async function readLimitedBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve());
    req.once('error', reject);
  });
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('json')) {
    if (text.length === 0) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new RouterRequestError(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
    }
  }
  return text;
}

function tooLarge(limit: number): RouterRequestError {
  return new RouterRequestError(
    413,
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than ${describeBytes(limit)}, the limit of this router. Send less per request ` +
      `(upload files through the presigned URLs instead), or raise the limit with MAX_BODY_BYTES.`,
    { maxBodyBytes: limit },
    { connection: 'close' },
  );
}

function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes} bytes (${bytes / 1024 / 1024} MiB)`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes} bytes (${bytes / 1024} KiB)`;
  return `${bytes} bytes`;
}
