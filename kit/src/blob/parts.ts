import type { Readable } from 'node:stream';
import { MAX_PARTS } from './keys.js';

const MiB = 1024 * 1024;
/** Parts of a streamed upload start at 8 MiB: few requests, little memory per part in flight. */
export const BASE_PART_SIZE = 8 * MiB;
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
 * Regroups a byte stream into buffers of exactly `sizeOf(n)` bytes (the last one shorter). Bytes
 * are copied into one buffer per part as they arrive, so the incoming chunks can be collected at
 * once and at most one part is held here while the consumer uploads the previous ones. (Untouched
 * pages of a part buffer are never made resident, so a small body costs little.)
 */
export async function* partsOf(source: Readable, sizeOf: (partNumber: number) => number): AsyncGenerator<Buffer> {
  let partNumber = 1;
  let part = Buffer.allocUnsafe(sizeOf(partNumber));
  let filled = 0;
  for await (const chunk of source) {
    let rest = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    while (rest.length > 0) {
      const copied = rest.copy(part, filled, 0, Math.min(rest.length, part.length - filled));
      filled += copied;
      rest = rest.subarray(copied);
      if (filled === part.length) {
        yield part;
        partNumber++;
        part = Buffer.allocUnsafe(sizeOf(partNumber));
        filled = 0;
      }
    }
  }
  if (filled > 0 || partNumber === 1) yield part.subarray(0, filled);
}
