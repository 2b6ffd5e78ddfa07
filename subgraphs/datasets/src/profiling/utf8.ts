import { isUtf8 } from 'node:buffer';

const NEWLINE = 0x0a;

/** Length of the UTF-8 sequence a lead byte starts, 0 for a byte that cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * Length of the valid UTF-8 sequence at `i`, 0 when the bytes there are not one (overlong forms,
 * surrogates and code points past U+10FFFF included), -1 when the buffer ends inside it.
 */
function validSequenceAt(buf: Uint8Array, i: number): number {
  const lead = buf[i]!;
  const n = sequenceLength(lead);
  if (n <= 1) return n;
  let lo = 0x80;
  let hi = 0xbf;
  if (lead === 0xe0) lo = 0xa0;
  else if (lead === 0xed) hi = 0x9f;
  else if (lead === 0xf0) lo = 0x90;
  else if (lead === 0xf4) hi = 0x8f;
  for (let k = 1; k < n; k += 1) {
    if (i + k >= buf.length) return -1;
    const b = buf[i + k]!;
    if (k === 1 ? b < lo || b > hi : b < 0x80 || b > 0xbf) return 0;
  }
  return n;
}

/** Offset where a chunk's last, possibly incomplete, sequence starts (the chunk's length when it ends cleanly). */
function completePrefix(buf: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, buf.length); back += 1) {
    const b = buf[buf.length - back]!;
    if (b < 0x80) return buf.length;
    if (b >= 0xc0) {
      const n = sequenceLength(b);
      return n > back ? buf.length - back : buf.length;
    }
  }
  return buf.length;
}

export function countNewlines(buf: Buffer, from = 0, to = buf.length): number {
  let count = 0;
  let at = buf.indexOf(NEWLINE, from);
  while (at !== -1 && at < to) {
    count += 1;
    at = buf.indexOf(NEWLINE, at + 1);
  }
  return count;
}

/**
 * Checks a byte stream for valid UTF-8 chunk by chunk, tracking 1-based line numbers, and reports
 * each line holding an invalid sequence once.
 */
export class Utf8Checker {
  /** Newlines seen in the bytes checked so far. */
  newlines = 0;
  /** Lines reported as invalid. */
  invalidLines = 0;
  private carry: Buffer = Buffer.alloc(0);
  private lastReported = 0;

  constructor(private readonly onInvalid: (line: number) => void) {}

  push(chunk: Buffer): void {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = completePrefix(buf);
    const body = buf.subarray(0, end);
    if (isUtf8(body)) this.newlines += countNewlines(body);
    else this.scan(body);
    this.carry = Buffer.from(buf.subarray(end));
  }

  /** Call once after the last chunk: a sequence cut off by the end of the file is invalid. */
  end(): void {
    if (this.carry.length) {
      const body = this.carry;
      this.carry = Buffer.alloc(0);
      this.scan(body, true);
    }
  }

  private scan(body: Buffer, atEnd = false): void {
    let i = 0;
    while (i < body.length) {
      const b = body[i]!;
      if (b < 0x80) {
        if (b === NEWLINE) this.newlines += 1;
        i += 1;
        continue;
      }
      const n = validSequenceAt(body, i);
      if (n > 0) {
        i += n;
        continue;
      }
      if (n < 0 && !atEnd) {
        // cannot happen: push() only scans complete prefixes
        i += 1;
        continue;
      }
      this.report(this.newlines + 1);
      i += 1;
    }
  }

  private report(line: number): void {
    if (line === this.lastReported) return;
    this.lastReported = line;
    this.invalidLines += 1;
    this.onInvalid(line);
  }
}

/** Counts Unicode code points in valid UTF-8: every byte that is not a continuation byte. */
export function countCodePoints(buf: Uint8Array): number {
  let continuation = 0;
  for (let i = 0; i < buf.length; i += 1) if ((buf[i]! & 0xc0) === 0x80) continuation += 1;
  return buf.length - continuation;
}
