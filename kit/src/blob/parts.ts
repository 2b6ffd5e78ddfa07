import type { Readable } from 'node:stream';
import { MAX_PARTS } from './keys.js';

const MiB = 1024 * 1024;
/** Parts of a streamed upload start at 16 MiB: few requests, little memory per part in flight. */
export const BASE_PART_SIZE = 16 * MiB;
const MAX_PART_SIZE = 5 * 1024 * MiB;

/**
 * The size of part `partNumber` (1-based). A known total is split evenly into at most 10000
 * parts; an unknown one doubles the part size every 2000 parts, which stays small for ordinary
 * files yet still fits ~1 TiB into S3's 10000 parts.
 */
export function partSizeFor(partNumber: number, totalSize: number | undefined): number {
  if (totalSize !== undefined) {
    const even = Math.ceil(totalSize / MAX_PARTS / MiB) * MiB;
    return Math.min(Math.max(BASE_PART_SIZE, even), MAX_PART_SIZE);
  }
  const doublings = Math.floor((partNumber - 1) / 2000);
  return Math.min(BASE_PART_SIZE * 2 ** doublings, MAX_PART_SIZE);
}

/**
 * Regroups a byte stream into buffers of exactly `sizeOf(n)` bytes (the last one shorter), so at
 * most one part is held here while the consumer uploads the previous ones.
 */
export async function* partsOf(
  source: Readable,
  sizeOf: (partNumber: number) => number,
): AsyncGenerator<Buffer> {
  let partNumber = 1;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    pending.push(buffer);
    pendingBytes += buffer.length;
    let size = sizeOf(partNumber);
    while (pendingBytes >= size) {
      const joined = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      const rest = joined.subarray(size);
      yield joined.subarray(0, size);
      partNumber++;
      // copy a small remainder so it does not pin the whole joined buffer
      pending = rest.length === 0 ? [] : [rest.length < size ? Buffer.from(rest) : rest];
      pendingBytes = rest.length;
      size = sizeOf(partNumber);
    }
  }
  if (pendingBytes > 0 || partNumber === 1) {
    yield Buffer.concat(pending, pendingBytes);
  }
}
