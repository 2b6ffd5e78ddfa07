import type { IncomingMessage } from 'node:http';
import { BodyError, readBody } from '@aitip/kit';
import { RouterRequestError } from './request-errors.js';

/**
 * Reads a request body of at most `limit` bytes (JSON is parsed) with kit's reader, which refuses a
 * larger body without buffering it; the errors say what to do in the router's terms.
 */
export async function readLimitedBody(req: IncomingMessage, limit: number): Promise<unknown> {
  try {
    return await readBody(req, limit);
  } catch (err) {
    if (!(err instanceof BodyError)) throw err;
    if (err.status === 413) throw tooLarge(limit);
    throw new RouterRequestError(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
  }
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
