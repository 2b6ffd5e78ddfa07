import { stat } from 'node:fs/promises';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { readRange } from './file-read.js';
import { jsonLineKind, sniffDelimiter, splitRecords } from './sniff.js';
import type { DatasetFormat } from './types.js';

const HEAD_BYTES = 64 * 1024;
const JSON_SAMPLE_LINES = 100;

export type ArchiveKind = 'zip' | 'tar' | 'tar.gz';

/** What a file's first bytes say it is. */
export interface FormatDetection {
  format: DatasetFormat | null;
  /** Why no format fits, when `format` is null. */
  reason?: string;
  /** The content in words, for messages: "a zip archive", "plain text"… */
  content: string;
  /** CSV/TSV: the field delimiter. */
  delimiter?: string;
  /** IMAGE_ARCHIVE: the container. */
  archive?: ArchiveKind;
  /** The file is empty or holds only whitespace. */
  empty?: boolean;
}

const EXTENSIONS: Array<[string, DatasetFormat]> = [
  ['.tar.gz', 'IMAGE_ARCHIVE'],
  ['.tgz', 'IMAGE_ARCHIVE'],
  ['.tar', 'IMAGE_ARCHIVE'],
  ['.zip', 'IMAGE_ARCHIVE'],
  ['.csv', 'CSV'],
  ['.tsv', 'TSV'],
  ['.tab', 'TSV'],
  ['.jsonl', 'JSONL'],
  ['.ndjson', 'JSONL'],
  ['.json', 'JSONL'],
  ['.parquet', 'PARQUET'],
  ['.pq', 'PARQUET'],
  ['.npy', 'NPY'],
  ['.txt', 'TEXT'],
  ['.text', 'TEXT'],
];

/** The format a file's name suggests, if its extension is one we know. */
export function extensionFormat(name: string): { extension: string; format: DatasetFormat } | null {
  const lower = name.toLowerCase();
  for (const [extension, format] of EXTENSIONS) if (lower.endsWith(extension)) return { extension, format };
  return null;
}

/** Whether content of format `actual` may carry an extension meant for `expected`. */
export function extensionAllows(expected: DatasetFormat, actual: DatasetFormat): boolean {
  if (expected === actual) return true;
  const delimited = (f: DatasetFormat) => f === 'CSV' || f === 'TSV';
  return delimited(expected) && delimited(actual);
}

export const FORMAT_WORDS: Record<DatasetFormat, string> = {
  CSV: 'CSV',
  TSV: 'TSV',
  JSONL: 'JSON Lines',
  PARQUET: 'Parquet',
  NPY: 'a NumPy .npy array',
  IMAGE_ARCHIVE: 'an image archive (zip or tar)',
  TEXT: 'plain text',
};

const startsWith = (buf: Buffer, bytes: number[], at = 0) => bytes.every((b, i) => buf[at + i] === b);

/** Detects a file's format from its content; the name's extension only breaks ties between text formats. */
export async function detectFormat(localPath: string, name: string): Promise<FormatDetection> {
  const size = (await stat(localPath)).size;
  if (size === 0) return { format: null, content: 'nothing', reason: 'the file is empty', empty: true };
  const head = await readRange(localPath, 0, Math.min(size, HEAD_BYTES));
  const whole = head.length >= size;
  const hint = extensionFormat(name)?.format ?? null;

  if (startsWith(head, [0x50, 0x41, 0x52, 0x31])) return { format: 'PARQUET', content: 'Parquet data' };
  if (startsWith(head, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return { format: 'NPY', content: 'a NumPy .npy array' };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]))
    return { format: 'IMAGE_ARCHIVE', content: 'a zip archive', archive: 'zip' };
  if (startsWith(head, [0x1f, 0x8b])) {
    if (isTarHeader(gunzipHead(head)))
      return { format: 'IMAGE_ARCHIVE', content: 'a gzip-compressed tar archive', archive: 'tar.gz' };
    return {
      format: null,
      content: 'gzip-compressed data',
      reason:
        'it is gzip-compressed data that is not a tar archive; upload the file uncompressed, or images as a .tar.gz',
    };
  }
  if (isTarHeader(head)) return { format: 'IMAGE_ARCHIVE', content: 'a tar archive', archive: 'tar' };
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff]))
    return { format: null, content: 'UTF-16 text', reason: 'it is UTF-16 text; save it as UTF-8 and upload it again' };
  if (looksBinary(head))
    return {
      format: null,
      content: 'binary data',
      reason:
        'its content is binary data that is not Parquet, NumPy .npy, zip, tar or gzip; upload one of the supported formats (CSV, TSV, JSON Lines, Parquet, .npy, image archives, UTF-8 text)',
    };

  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (whole && !text.trim())
    return { format: null, content: 'whitespace', reason: 'the file holds only whitespace', empty: true };
  // sniff complete lines only, unless the first line alone is longer than the sample
  const cut = text.lastIndexOf('\n');
  const complete = whole || cut < 0 ? text : text.slice(0, cut + 1);
  const first = text.trimStart()[0];

  if (hint === 'TEXT') return { format: 'TEXT', content: 'plain text' };

  const lines = (whole || cut >= 0 ? complete : '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, JSON_SAMPLE_LINES);
  const objects = lines.filter((l) => jsonLineKind(l) === 'object').length;
  if (lines.length && objects === lines.length) return { format: 'JSONL', content: 'JSON Lines' };
  if ((hint === 'JSONL' && objects > 0) || (!lines.length && first === '{'))
    return { format: 'JSONL', content: 'JSON Lines' };
  if (hint === 'JSONL' && (first === '[' || first === '{'))
    return {
      format: null,
      content: 'a JSON document',
      reason: 'it is one JSON document rather than JSON Lines; write one JSON object per line and name the file .jsonl',
    };

  const delimiterHint = hint === 'TSV' ? '\t' : hint === 'CSV' ? ',' : null;
  const delimiter = sniffDelimiter(splitRecords(complete), delimiterHint);
  if (delimiter === '\t') return { format: 'TSV', content: 'tab-separated values', delimiter };
  if (delimiter) return { format: 'CSV', content: 'comma-separated values', delimiter };
  // a delimited file of one column has no delimiter to find: its name decides
  if (hint === 'CSV' || hint === 'TSV')
    return { format: hint, content: 'a single column of text', delimiter: delimiterHint! };
  return { format: 'TEXT', content: 'plain text' };
}

function gunzipHead(head: Buffer): Buffer {
  try {
    return gunzipSync(head.subarray(0, 4096), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}

function isTarHeader(block: Buffer): boolean {
  return block.length >= 262 && block.toString('latin1', 257, 262) === 'ustar';
}

/** NUL bytes or many control characters mean binary data rather than text in some encoding. */
function looksBinary(head: Buffer): boolean {
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control += 1;
  }
  return control > head.length * 0.1;
}
