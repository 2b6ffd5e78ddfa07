import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { AitipError, HTTP_STATUS_BY_CODE, InputError } from '../errors.js';
import { assertValidKey, attachmentDisposition } from './keys.js';
import type { LocalBlobStore } from './local.js';

/**
 * Serves the local store's presigned URLs (`/blob/<key>?expires=…&signature=…`): GET/HEAD with
 * Range, PUT of whole objects, and PUT of multipart parts answered with an S3-like ETag header.
 * Returns false, without touching the response, when the path is not under `/blob/`.
 */
export async function handleLocalBlobRequest(
  store: LocalBlobStore,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://blob.invalid');
  const encodedKey = store.signer.encodedKeyOf(url.pathname);
  if (encodedKey === null) return false;

  // signatures are the only credential, so any origin may use them (browser uploads read ETag)
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'ETag, Content-Length, Content-Range');
  try {
    const key = decodeKey(encodedKey);
    switch (req.method) {
      case 'OPTIONS':
        res.writeHead(204, {
          'Access-Control-Allow-Methods': 'GET, HEAD, PUT',
          'Access-Control-Allow-Headers': 'Content-Type, Content-Length, Range',
          'Access-Control-Max-Age': '600',
        });
        res.end();
        return true;
      case 'GET':
      case 'HEAD':
        await serveGet(store, key, url.searchParams, req, res);
        return true;
      case 'PUT':
        await servePut(store, key, url.searchParams, req, res);
        return true;
      default:
        res.setHeader('Allow', 'GET, HEAD, PUT, OPTIONS');
        sendText(res, 405, `method ${req.method ?? ''} is not allowed on blob URLs`);
        return true;
    }
  } catch (err) {
    sendError(store, res, err);
    return true;
  }
}

async function serveGet(
  store: LocalBlobStore,
  key: string,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const signed = store.signer.verify('GET', key, query);
  const info = await store.stat(key);
  if (!info) {
    sendText(res, 404, `blob ${key} does not exist`);
    return;
  }
  const headers: Record<string, string | number> = {
    'Content-Type': info.contentType,
    ETag: `"${info.etag}"`,
    'Last-Modified': info.lastModified.toUTCString(),
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'private, no-cache',
  };
  if (signed.filename) headers['Content-Disposition'] = attachmentDisposition(signed.filename);

  const range = parseRange(req.headers.range, info.size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${info.size}`, 'Content-Type': 'text/plain' });
    res.end(`range ${req.headers.range ?? ''} is outside the object's ${info.size} bytes\n`);
    return;
  }
  let status = 200;
  let length = info.size;
  if (range) {
    status = 206;
    length = range.end - range.start + 1;
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${info.size}`;
  }
  headers['Content-Length'] = length;
  if (req.method === 'HEAD') {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const body = await store.get(key, range ?? {});
  res.writeHead(status, headers);
  try {
    await pipeline(body, res);
  } catch (err) {
    // headers are gone; a client that hung up is not an error worth more than a debug line
    store.logger.debug({ err, key }, 'blob download ended early');
    res.destroy();
  }
}

async function servePut(
  store: LocalBlobStore,
  key: string,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const signed = store.signer.verify('PUT', key, query);
  const size = contentLength(req);
  if (signed.uploadId !== undefined || signed.partNumber !== undefined) {
    if (signed.uploadId === undefined || signed.partNumber === undefined) {
      throw new InputError('a part URL needs both uploadId and partNumber');
    }
    const part = await store.uploadPart(key, signed.uploadId, signed.partNumber, req, size);
    res.writeHead(200, { ETag: `"${part.etag}"`, 'Content-Length': 0 });
    res.end();
    return;
  }
  const contentType = req.headers['content-type'] || signed.contentType;
  const result = await store.put(key, req, { contentType, size });
  res.writeHead(200, { ETag: `"${result.etag}"`, 'Content-Length': 0 });
  res.end();
}

function decodeKey(encoded: string): string {
  let key: string;
  try {
    key = encoded.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw new InputError('the blob key in this URL is not valid percent-encoding');
  }
  assertValidKey(key);
  return key;
}

function contentLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  if (!/^\d+$/.test(header)) throw new InputError('Content-Length must be a byte count');
  return Number(header);
}

/** One `bytes=` range (start-end, start-, or -suffix); null when absent or not understood. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(size - suffix, 0);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== '' && Number(match[2]) < start) return null;
  }
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

function sendError(store: LocalBlobStore, res: ServerResponse, err: unknown): void {
  const status = err instanceof AitipError ? HTTP_STATUS_BY_CODE[err.code] : undefined;
  if (status === undefined) {
    store.logger.error({ err }, 'blob request failed');
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendText(res, status ?? 500, status ? (err as Error).message : 'internal error while serving the blob');
}

function sendText(res: ServerResponse, status: number, message: string): void {
  const body = `${message}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
