import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import sharp from 'sharp';
import tar from 'tar-stream';
import {
  defaultProfileLimits,
  type ColumnProfile,
  type ProfileLimits,
  type ProfileOutcome,
} from '../src/profiling/index.js';

/** A temporary folder holding the fixture files of one test file; `remove()` deletes it. */
export class FixtureDir {
  readonly path = mkdtempSync(join(tmpdir(), 'aitip-profiling-'));

  /** Writes a file and returns its local path. */
  write(name: string, content: string | Buffer): string {
    const path = join(this.path, name.replaceAll('/', '_'));
    writeFileSync(path, content);
    return path;
  }

  limits(overrides: Partial<ProfileLimits> = {}): ProfileLimits {
    return { ...defaultProfileLimits, tempDir: this.path, ...overrides };
  }

  /** Writes a Parquet file with DuckDB from a SELECT. */
  async parquet(name: string, select: string): Promise<string> {
    const path = join(this.path, name);
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      await connection.run(`COPY (${select}) TO '${path.replaceAll("'", "''")}' (FORMAT PARQUET)`);
    } finally {
      connection.closeSync();
      db.closeSync();
    }
    return path;
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** A solid-colour PNG. */
export const png = (width: number, height: number, rgb: [number, number, number] = [200, 40, 40]) =>
  sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();

/** A solid-colour JPEG. */
export const jpeg = (width: number, height: number, rgb: [number, number, number] = [40, 40, 200]) =>
  sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .jpeg()
    .toBuffer();

export interface ZipEntry {
  /** The stored name, bytes as given (may be hostile: "../evil.png"). */
  name: string;
  data?: Buffer;
  deflate?: boolean;
  /** Unix mode with file-type bits, stored in the external attributes (0o120777 for a symlink). */
  mode?: number;
}

/** Writes a zip archive by hand, so that entries a normal archiver refuses can be made. */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = entry.data ?? Buffer.alloc(0);
    const stored = entry.deflate ? deflateRawSync(data) : data;
    const method = entry.deflate ? 8 : 0;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, stored);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 30, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    const mode = entry.mode ?? (entry.name.endsWith('/') ? 0o040755 : 0o100644);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export interface TarEntry {
  name: string;
  data?: Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  linkname?: string;
}

/** Writes a tar archive (gzip-compressed when asked) with tar-stream. */
export async function tarball(entries: TarEntry[], gzip = false): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const e of entries) {
    const header: Partial<tar.Header> & { name: string } = { name: e.name, type: e.type ?? 'file' };
    if (e.linkname) header.linkname = e.linkname;
    if (e.type === 'symlink' || e.type === 'link' || e.type === 'directory') pack.entry(header);
    else pack.entry({ ...header, size: (e.data ?? Buffer.alloc(0)).length }, e.data ?? Buffer.alloc(0));
  }
  pack.finalize();
  await collected;
  const raw = Buffer.concat(chunks);
  return gzip ? gzipSync(raw) : raw;
}

/** Writes a .npy file: version 1.0 header (or 2.0), values encoded with `encode` for each element. */
export function npy(
  descr: string,
  shape: number[],
  data: Buffer,
  options: { fortranOrder?: boolean; version?: 1 | 2 } = {},
): Buffer {
  const version = options.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${options.fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = 6 + 2 + (version === 1 ? 2 : 4);
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const start = Buffer.alloc(prefix);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(start);
  if (version === 1) start.writeUInt16LE(header.length, 8);
  else start.writeUInt32LE(header.length, 8);
  return Buffer.concat([start, Buffer.from(header, 'latin1'), data]);
}

export const float64s = (values: number[]) => Buffer.from(new Float64Array(values).buffer);
export const float32s = (values: number[]) => Buffer.from(new Float32Array(values).buffer);
export const int64s = (values: number[]) => Buffer.from(new BigInt64Array(values.map(BigInt)).buffer);
export const uint8s = (values: number[]) => Buffer.from(Uint8Array.from(values));

// compiled to dist/test: the repository root is four folders up
/** Local path of a sample dataset in examples/data. */
export const exampleData = (name: string) => join(__dirname, '../../../../examples/data', name);

/** The profile of a successful outcome (fails the test, showing the issues, otherwise). */
export function profileOf(outcome: ProfileOutcome) {
  assert.ok(outcome.ok, `expected a profile, got issues: ${JSON.stringify(!outcome.ok && outcome.issues)}`);
  return outcome.profile;
}

/** The issues of a refused outcome. */
export function issuesOf(outcome: ProfileOutcome) {
  assert.ok(!outcome.ok, 'expected issues, got a profile');
  return outcome.issues;
}

export function column(columns: ColumnProfile[], name: string): ColumnProfile {
  const found = columns.find((c) => c.name === name);
  assert.ok(found, `no column ${name}`);
  return found;
}

export const histogramTotal = (c: ColumnProfile) => (c.histogram ?? []).reduce((sum, b) => sum + b.count, 0);

export function assertClose(actual: number | undefined, expected: number, epsilon = 1e-9): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= epsilon, `${actual} ≉ ${expected}`);
}
