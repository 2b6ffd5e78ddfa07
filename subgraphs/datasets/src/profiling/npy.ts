import { open, stat } from 'node:fs/promises';
import { jsonSafe } from './column-stats.js';
import { forEachChunk } from './file-read.js';
import type { IssueList } from './issues.js';
import { NpyError, readNpyHeader, type NpyHeader } from './npy-header.js';
import { HistogramCounter, RunningStats } from './numeric-summary.js';
import type { ColumnProfile, FileProfile } from './types.js';

/** Values shown per preview row: a row of a wide array is cut after this many. */
const MAX_PREVIEW_VALUES = 100;

export interface NpyInput {
  localPath: string;
  name: string;
  previewRows: number;
  issues: IssueList;
  progress: (fraction: number) => void;
  signal?: AbortSignal;
}

/**
 * Validates and profiles a NumPy `.npy` file: the header is parsed here, then the data is streamed
 * twice — once for count, NaNs, min, max, mean and std over all elements, once for the histogram.
 */
export async function profileNpy(input: NpyInput): Promise<FileProfile | null> {
  const { localPath, name, issues } = input;
  let header: NpyHeader;
  try {
    header = await readNpyHeader(localPath);
  } catch (err) {
    if (!(err instanceof NpyError)) throw err;
    issues.add('INVALID_NPY', `${name} is not a valid .npy file: ${err.message}`);
    return null;
  }
  const elements = header.shape.reduce((a, b) => a * b, 1);
  const dataBytes = elements * header.itemSize;
  const available = (await stat(localPath)).size - header.dataOffset;
  if (available < dataBytes) {
    issues.add(
      'INVALID_NPY',
      `${name} is truncated: its shape (${header.shape.join(', ')}) of ${header.dtype} needs ${dataBytes} bytes of data but the file holds ${Math.max(0, available)}; save the array again with np.save and upload the whole file`,
    );
    return null;
  }

  const stats = new RunningStats();
  const integer = header.kind !== 'float';
  await streamValues(
    input,
    header,
    dataBytes,
    (values) => stats.addChunk(values),
    (f) => input.progress(f * 0.5),
  );
  let histogram: HistogramCounter | undefined;
  if (stats.count > 0) {
    histogram = HistogramCounter.for(stats.min, stats.max, integer);
    if (stats.min === stats.max) histogram.counts[0] = stats.count;
    else
      await streamValues(
        input,
        header,
        dataBytes,
        (values) => histogram!.addChunk(values),
        (f) => input.progress(0.5 + f * 0.45),
      );
  }

  const column: ColumnProfile = { name: 'value', type: header.dtype, count: elements, nullCount: stats.nan };
  if (stats.count > 0) {
    column.min = stats.min;
    column.max = stats.max;
    column.mean = stats.average!;
    column.std = stats.std!;
  }
  if (histogram) {
    column.histogram = histogram.bins();
    if (histogram.unit) {
      column.topValues = histogram.topValues(header.kind === 'bool' ? (v) => String(v === 1) : String);
      column.distinctEstimate = histogram.counts.filter((c) => c > 0).length;
    }
  }
  const preview = await previewRows(localPath, header, input.previewRows);
  input.progress(1);
  return {
    format: 'NPY',
    rowCount: header.shape.length ? header.shape[0]! : 1,
    columns: [column],
    preview,
    npy: { dtype: header.dtype, shape: header.shape, fortranOrder: header.fortranOrder },
  };
}

/** Streams the array's elements as numbers, a chunk at a time, in storage order. */
async function streamValues(
  input: NpyInput,
  header: NpyHeader,
  dataBytes: number,
  onValues: (values: ArrayLike<number>) => void,
  onProgress: (fraction: number) => void,
): Promise<void> {
  let carry = Buffer.alloc(0);
  const end = header.dataOffset + dataBytes;
  await forEachChunk(
    input.localPath,
    (chunk, position) => {
      const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const whole = bytes.length - (bytes.length % header.itemSize);
      carry = Buffer.from(bytes.subarray(whole));
      if (whole) onValues(decodeChunk(bytes.subarray(0, whole), header));
      onProgress((position + chunk.length - header.dataOffset) / Math.max(1, dataBytes));
    },
    { start: header.dataOffset, end, signal: input.signal },
  );
}

/** Elements of a chunk (a whole number of items) as an array of numbers. */
function decodeChunk(bytes: Buffer, header: NpyHeader): ArrayLike<number> {
  // a fresh buffer is aligned for typed arrays and may be byte-swapped in place
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const { itemSize, kind } = header;
  if (!header.littleEndian && itemSize > 1) {
    const view = Buffer.from(copy.buffer);
    if (itemSize === 2) view.swap16();
    else if (itemSize === 4) view.swap32();
    else view.swap64();
  }
  const buffer = copy.buffer;
  const n = bytes.length / itemSize;
  if (kind === 'float') {
    if (itemSize === 8) return new Float64Array(buffer, 0, n);
    if (itemSize === 4) return new Float32Array(buffer, 0, n);
    const halves = new Uint16Array(buffer, 0, n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i += 1) out[i] = halfToNumber(halves[i]!);
    return out;
  }
  if (itemSize === 8) {
    const wide = kind === 'int' ? new BigInt64Array(buffer, 0, n) : new BigUint64Array(buffer, 0, n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i += 1) out[i] = Number(wide[i]!);
    return out;
  }
  if (kind === 'int')
    return itemSize === 1
      ? new Int8Array(buffer, 0, n)
      : itemSize === 2
        ? new Int16Array(buffer, 0, n)
        : new Int32Array(buffer, 0, n);
  if (kind === 'bool') {
    const raw = new Uint8Array(buffer, 0, n);
    for (let i = 0; i < n; i += 1) if (raw[i]! > 1) raw[i] = 1;
    return raw;
  }
  return itemSize === 1
    ? new Uint8Array(buffer, 0, n)
    : itemSize === 2
      ? new Uint16Array(buffer, 0, n)
      : new Uint32Array(buffer, 0, n);
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decodeOne(buf: Buffer, header: NpyHeader): unknown {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const le = header.littleEndian;
  const { kind, itemSize } = header;
  if (kind === 'bool') return buf[0] !== 0;
  if (kind === 'float') {
    const v =
      itemSize === 8
        ? view.getFloat64(0, le)
        : itemSize === 4
          ? view.getFloat32(0, le)
          : halfToNumber(view.getUint16(0, le));
    return jsonSafe(v);
  }
  if (kind === 'int') {
    if (itemSize === 8) return jsonSafe(view.getBigInt64(0, le));
    return itemSize === 1 ? view.getInt8(0) : itemSize === 2 ? view.getInt16(0, le) : view.getInt32(0, le);
  }
  if (itemSize === 8) return jsonSafe(view.getBigUint64(0, le));
  return itemSize === 1 ? view.getUint8(0) : itemSize === 2 ? view.getUint16(0, le) : view.getUint32(0, le);
}

/**
 * The first rows along the first axis, each flattened in C order and cut after 100 values: a 1-D
 * array shows one column `value`, wider rows one column per position ("0", "1", …).
 */
async function previewRows(localPath: string, header: NpyHeader, maxRows: number): Promise<FileProfile['preview']> {
  const { shape, itemSize, dataOffset } = header;
  const rows = shape.length ? shape[0]! : 1;
  const inner = shape.slice(1);
  const rowElements = inner.reduce((a, b) => a * b, 1);
  const shown = Math.min(rowElements, MAX_PREVIEW_VALUES);
  const columns = shape.length <= 1 ? ['value'] : Array.from({ length: shown }, (_, i) => String(i));
  const count = Math.min(rows, Math.max(0, Math.floor(maxRows)));
  const out: unknown[][] = [];
  if (!count || !shown) return { columns, rows: count ? Array.from({ length: count }, () => []) : [] };
  const handle = await open(localPath, 'r');
  try {
    const item = Buffer.alloc(itemSize);
    for (let r = 0; r < count; r += 1) {
      const row: unknown[] = [];
      if (!header.fortranOrder) {
        const buf = Buffer.alloc(shown * itemSize);
        await handle.read(buf, 0, buf.length, dataOffset + r * rowElements * itemSize);
        for (let k = 0; k < shown; k += 1) row.push(decodeOne(buf.subarray(k * itemSize, (k + 1) * itemSize), header));
      } else {
        for (let k = 0; k < shown; k += 1) {
          await handle.read(item, 0, itemSize, dataOffset + fortranIndex(r, k, shape) * itemSize);
          row.push(decodeOne(item, header));
        }
      }
      out.push(row);
    }
  } finally {
    await handle.close();
  }
  return { columns, rows: out };
}

/** Storage index, in Fortran (column-major) order, of element `k` (C order) of row `r`. */
function fortranIndex(r: number, k: number, shape: number[]): number {
  let index = r;
  let stride = shape[0] ?? 1;
  // split k into indices over shape[1..] in C order, last axis fastest
  const indices: number[] = [];
  let rest = k;
  for (let axis = shape.length - 1; axis >= 1; axis -= 1) {
    indices[axis] = rest % shape[axis]!;
    rest = Math.floor(rest / shape[axis]!);
  }
  for (let axis = 1; axis < shape.length; axis += 1) {
    index += indices[axis]! * stride;
    stride *= shape[axis]!;
  }
  return index;
}
