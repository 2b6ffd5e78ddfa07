import { open } from 'node:fs/promises';
import { checkAborted } from './issues.js';

const NEWLINE = 0x0a;
const QUOTE = 0x22;
/** The header record is looked for in the file's first bytes. */
const HEADER_SEARCH_BYTES = 1024 * 1024;
/** A stretch is at least this long, to hold whole lines. */
const MIN_BLOCK_BYTES = 4 * 1024;
/** Line starts tried per stretch before it is given up. */
const START_TRIES = 16;
/** Records whose field count must match the header's for a line start to be taken as a record start. */
const CHECKED_RECORDS = 8;

export interface RowSampleOptions {
  /** Bytes of rows the sample holds at most. */
  bytes: number;
  /** Evenly spaced stretches of the file the sample is cut from. */
  blocks: number;
  /** The field delimiter (one byte). */
  delimiter: string;
  signal?: AbortSignal;
}

/**
 * Writes a smaller CSV made of the file's header record and whole records cut from `blocks` evenly
 * spaced stretches of the file, so that a sorted file is sampled from start to end.
 *
 * A stretch starts mid-record, possibly inside a quoted field holding newlines: it is taken from
 * the first line start after which the next records have the header's field count, up to its last
 * complete record. Returns the sample's size in bytes, or null when the file is not bigger than the
 * sample or its header record does not end in the first MiB.
 */
export async function writeRowSample(
  path: string,
  size: number,
  target: string,
  options: RowSampleOptions,
): Promise<number | null> {
  const delimiter = options.delimiter.charCodeAt(0);
  const source = await open(path, 'r');
  const out = await open(target, 'w');
  try {
    const head = Buffer.alloc(Math.min(size, HEADER_SEARCH_BYTES));
    await source.read(head, 0, head.length, 0);
    const header = scanRecords(head, 0, head.length, delimiter, 1);
    const headerEnd = header.ends[0];
    // a sample no smaller than the file would repeat rows
    if (headerEnd === undefined || size - headerEnd <= options.bytes) return null;
    const fields = header.fields[0] ?? 0;
    let written = (await out.write(head, 0, headerEnd)).bytesWritten;
    const body = size - headerEnd;
    const blockBytes = Math.max(MIN_BLOCK_BYTES, Math.floor(options.bytes / Math.max(1, options.blocks)));
    // fewer, longer stretches when the sample is small: stretches never overlap
    const blocks = Math.max(1, Math.min(options.blocks, Math.floor(options.bytes / blockBytes)));
    const buf = Buffer.alloc(blockBytes);
    for (let j = 0; j < blocks; j += 1) {
      checkAborted(options.signal);
      const centre = headerEnd + Math.floor(((j + 0.5) * body) / blocks);
      const start = Math.max(headerEnd, Math.min(size - blockBytes, centre - Math.floor(blockBytes / 2)));
      const { bytesRead } = await source.read(buf, 0, Math.min(blockBytes, size - start), start);
      const records = recordsOf(buf.subarray(0, bytesRead), start === headerEnd, start + bytesRead >= size, {
        delimiter,
        fields,
      });
      if (records) written += (await out.write(buf, records.from, records.to - records.from)).bytesWritten;
    }
    return written;
  } finally {
    await out.close();
    await source.close();
  }
}

/** The whole records of a stretch: from a checked record start to the end of its last complete record. */
function recordsOf(
  buf: Buffer,
  atRecordStart: boolean,
  atFileEnd: boolean,
  shape: { delimiter: number; fields: number },
): { from: number; to: number } | null {
  let from = atRecordStart ? 0 : buf.indexOf(NEWLINE) + 1;
  for (let tries = 0; tries < START_TRIES && from > 0 && from < buf.length; tries += 1) {
    const scan = scanRecords(buf, from, buf.length, shape.delimiter, Number.POSITIVE_INFINITY, atFileEnd);
    const checked = scan.fields.slice(0, CHECKED_RECORDS);
    if (checked.length > 0 && checked.every((n) => n === shape.fields)) {
      const to = scan.ends[scan.ends.length - 1] ?? from;
      return to > from ? { from, to } : null;
    }
    if (atRecordStart) return null;
    from = buf.indexOf(NEWLINE, from) + 1;
  }
  return null;
}

/**
 * Splits bytes into records from `from`, a record start: where each ends (just past its newline
 * outside quotes) and its field count. A last record without a newline counts only at the file's end.
 */
function scanRecords(
  buf: Buffer,
  from: number,
  to: number,
  delimiter: number,
  max: number,
  atFileEnd = false,
): { ends: number[]; fields: number[] } {
  const ends: number[] = [];
  const fields: number[] = [];
  let inQuotes = false;
  let count = 1;
  for (let i = from; i < to && ends.length < max; i += 1) {
    const c = buf[i];
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (inQuotes) continue;
    else if (c === delimiter) count += 1;
    else if (c === NEWLINE) {
      ends.push(i + 1);
      fields.push(count);
      count = 1;
    }
  }
  const last = ends[ends.length - 1] ?? from;
  if (atFileEnd && !inQuotes && last < to && ends.length < max) {
    ends.push(to);
    fields.push(count);
  }
  return { ends, fields };
}
