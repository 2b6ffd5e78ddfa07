import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';

const MiB = 1024 * 1024;
/** The binary file is written in blocks of this size, each a variant of one random block. */
const BLOCK_BYTES = 16 * MiB;
/** CSV rows are joined into chunks of about this size before they are written. */
const CSV_CHUNK_BYTES = 4 * MiB;

/**
 * Writes `size` bytes that do not compress: one random block repeated, with each block's first
 * 8 bytes replaced by its index so that no two blocks (and no two parts) are equal.
 */
export async function writeRandomFile(path: string, size: number): Promise<void> {
  const block = randomBytes(Math.min(BLOCK_BYTES, size));
  const file = await open(path, 'w');
  try {
    for (let offset = 0, index = 0; offset < size; offset += block.length, index++) {
      block.writeBigUInt64BE(BigInt(index), 0);
      const length = Math.min(block.length, size - offset);
      await file.write(block, 0, length, offset);
    }
  } finally {
    await file.close();
  }
}

/**
 * Puts a different 8-byte stamp at the start of the file, so that every upload of it carries
 * different content and nothing along the way can recognise it as a copy of an earlier one.
 */
export async function stampFile(path: string, stamp: number): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64BE(BigInt(stamp) | (1n << 63n), 0);
    await file.write(bytes, 0, 8, 0);
  } finally {
    await file.close();
  }
}

export const CSV_COLUMNS = [
  'id',
  'customer_id',
  'amount',
  'discount',
  'score',
  'quantity',
  'category',
  'city',
  'code',
  'created_on',
];
const CATEGORIES = ['books', 'garden', 'toys', 'food', 'music', 'sports', 'tools', 'health'];
const CITIES = [
  'Berlin',
  'Paris',
  'Madrid',
  'Rome',
  'Vienna',
  'Prague',
  'Warsaw',
  'Lisbon',
  'Dublin',
  'Oslo',
  'Helsinki',
  'Athens',
  'Sofia',
  'Zagreb',
  'Riga',
  'Tallinn',
  'Vilnius',
  'Bern',
  'Brussels',
  'Amsterdam',
];
const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const ZERO = 0x30;
const SCALES = { 2: 100, 3: 1000, 4: 10_000 } as const;

/** ASCII written straight into a buffer: building a string per row spends most of the time in GC. */
class AsciiChunk {
  readonly buffer = Buffer.allocUnsafe(CSV_CHUNK_BYTES + 1024);
  length = 0;

  byte(value: number): void {
    this.buffer[this.length++] = value;
  }

  /** A short value; a plain loop beats Buffer.copy at a few bytes. */
  bytes(value: Buffer): void {
    for (let i = 0; i < value.length; i++) this.buffer[this.length + i] = value[i]!;
    this.length += value.length;
  }

  /** A whole number from 0 to 2^31 - 1 in decimal. */
  int(value: number): void {
    let digits = 1;
    for (let rest = value; rest >= 10; rest = (rest / 10) | 0) digits++;
    for (let i = digits - 1, rest = value; i >= 0; i--, rest = (rest / 10) | 0) {
      this.buffer[this.length + i] = ZERO + (rest % 10);
    }
    this.length += digits;
  }

  /** `units / 10^decimals` with exactly `decimals` digits after the point, e.g. 4321, 2 → 43.21. */
  fixed(units: number, decimals: 2 | 3 | 4): void {
    if (units < 0) this.byte(0x2d);
    const magnitude = Math.abs(units);
    const scale = SCALES[decimals];
    this.int((magnitude / scale) | 0);
    this.byte(0x2e);
    for (let i = decimals - 1, rest = magnitude % scale; i >= 0; i--, rest = (rest / 10) | 0) {
      this.buffer[this.length + i] = ZERO + (rest % 10);
    }
    this.length += decimals;
  }
}

/**
 * Writes a CSV of at least `size` bytes (whole rows, so a little more) with ten mixed columns:
 * integers, floats with some empty cells, short strings and an ISO date. A fixed-seed xorshift
 * keeps it fast and the same on every run. Returns the byte and row counts.
 */
export async function writeCsvFile(path: string, size: number): Promise<{ bytes: number; rows: number }> {
  let state = 0x2545f491;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const day = Date.UTC(2020, 0, 1);
  const dates = Array.from({ length: 5 * 365 }, (_, i) =>
    Buffer.from(new Date(day + i * 86_400_000).toISOString().slice(0, 10)),
  );
  const codes = Array.from({ length: 50_000 }, () =>
    Buffer.from(Array.from({ length: 6 }, () => pick([...CODE_ALPHABET])).join('')),
  );
  const categories = CATEGORIES.map((c) => Buffer.from(c));
  const cities = CITIES.map((c) => Buffer.from(c));
  const out = createWriteStream(path, { highWaterMark: CSV_CHUNK_BYTES });
  const header = CSV_COLUMNS.join(',') + '\n';
  let bytes = header.length;
  let rows = 0;
  out.write(header);
  while (bytes < size) {
    const chunk = new AsciiChunk();
    while (chunk.length < CSV_CHUNK_BYTES && bytes + chunk.length < size) {
      rows++;
      chunk.int(rows);
      chunk.byte(COMMA);
      chunk.int(1 + Math.floor(next() * 999_999));
      chunk.byte(COMMA);
      if (next() >= 0.05) chunk.fixed(Math.floor(next() * 100_000), 2); // amount, 5 % empty
      chunk.byte(COMMA);
      if (next() >= 0.2) chunk.fixed(Math.floor(next() * 1000), 3); // discount, 20 % empty
      chunk.byte(COMMA);
      chunk.fixed(Math.floor((next() - 0.5) * 200_000), 4); // score
      chunk.byte(COMMA);
      chunk.int(1 + Math.floor(next() * 100)); // quantity
      chunk.byte(COMMA);
      chunk.bytes(pick(categories));
      chunk.byte(COMMA);
      chunk.bytes(pick(cities));
      chunk.byte(COMMA);
      chunk.bytes(pick(codes));
      chunk.byte(COMMA);
      chunk.bytes(pick(dates));
      chunk.byte(NEWLINE);
    }
    bytes += chunk.length;
    if (!out.write(chunk.buffer.subarray(0, chunk.length))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { bytes, rows };
}
