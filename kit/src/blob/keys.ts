import { InputError } from '../errors.js';
import type { CompletedPart, GetOptions } from './index.js';

/** S3's limits, enforced by both stores so that embedded mode fails where production would. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;
export const MAX_PRESIGN_TTL_SECONDS = 7 * 24 * 3600;
const MAX_KEY_BYTES = 1024;

function checkCommon(value: string, what: string): void {
  if (value.includes('\0')) {
    throw new InputError(`${what} must not contain NUL characters`, { key: value });
  }
  if (value.startsWith('/')) {
    throw new InputError(`${what} must not start with "/"; use a relative path like "datasets/x"`, {
      key: value,
    });
  }
  if (Buffer.byteLength(value) > MAX_KEY_BYTES) {
    throw new InputError(`${what} is longer than ${MAX_KEY_BYTES} bytes`, { key: value });
  }
}

/** Throws InputError unless `key` is a relative `/`-separated path without empty, `.` or `..` segments. */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InputError('blob key must be a non-empty string');
  }
  checkCommon(key, 'blob key');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new InputError('blob key must not contain empty, "." or ".." path segments (nor end with "/")', { key });
    }
  }
}

/** Like assertValidKey, but empty is allowed and the last segment may be partial or empty. */
export function assertValidPrefix(prefix: string): void {
  if (typeof prefix !== 'string') {
    throw new InputError('blob prefix must be a string');
  }
  if (prefix === '') return;
  checkCommon(prefix, 'blob prefix');
  const segments = prefix.split('/');
  const last = segments.pop();
  if (last === '..' || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new InputError('blob prefix must not contain empty, "." or ".." path segments', {
      prefix,
    });
  }
}

export function assertValidTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_PRESIGN_TTL_SECONDS) {
    throw new InputError(
      `presigned URL lifetime must be a whole number of seconds from 1 to ${MAX_PRESIGN_TTL_SECONDS}`,
      { ttlSeconds },
    );
  }
}

export function assertValidPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) {
    throw new InputError(`part number must be a whole number from 1 to ${MAX_PARTS}`, {
      partNumber,
    });
  }
}

/** Parts to complete an upload with: at least one, in strictly ascending order. */
export function assertValidCompletedParts(parts: CompletedPart[]): void {
  if (!Array.isArray(parts) || parts.length === 0) {
    throw new InputError('completing a multipart upload needs at least one part');
  }
  let previous = 0;
  for (const part of parts) {
    assertValidPartNumber(part.partNumber);
    if (part.partNumber <= previous) {
      throw new InputError('parts must be listed in ascending part-number order without repeats', {
        partNumber: part.partNumber,
      });
    }
    if (typeof part.etag !== 'string' || normalizeEtag(part.etag) === '') {
      throw new InputError(`part ${part.partNumber} needs the ETag its upload returned`);
    }
    previous = part.partNumber;
  }
}

/** `"abc"` and `abc` name the same ETag; servers and clients differ on the quotes. */
export function normalizeEtag(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
}

export function assertValidRange(opts: GetOptions): void {
  const { start, end } = opts;
  for (const [name, value] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new InputError(`range ${name} must be a non-negative integer`, { [name]: value });
    }
  }
  if (start !== undefined && end !== undefined && end < start) {
    throw new InputError('range end must not be before its start', { start, end });
  }
}

/** `Content-Disposition: attachment` naming a file, with an ASCII fallback for old clients. */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
