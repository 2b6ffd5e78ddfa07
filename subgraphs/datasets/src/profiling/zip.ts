import { isUtf8 } from 'node:buffer';
import { stat } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { checkAborted } from './issues.js';
import type { EntryType, ImageArchiveCollector } from './images.js';

/** Compression ratios are judged only past this many expanded bytes (tiny entries have odd ratios). */
export const RATIO_MIN_BYTES = 1024 * 1024;

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const DOS_DIRECTORY = 0x10;
const UNICODE_PATH_FIELD = 0x7075;

/**
 * Reads a zip archive's central directory first — entry count, declared sizes and ratios, names,
 * types — before inflating anything, then reads each image only as far as its header (whole for
 * thumbnails). Issues go to the collector; limits stop the scan with ArchiveStop.
 */
export async function scanZip(
  localPath: string,
  collector: ImageArchiveCollector,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const { limits, issues } = collector;
  const fileSize = (await stat(localPath)).size;
  const zip = await yauzl.openPromise(localPath, {
    lazyEntries: true,
    autoClose: false,
    decodeStrings: false,
    validateEntrySizes: true,
  });
  try {
    if (zip.entryCount > limits.maxArchiveEntries) collector.tooManyEntries(String(zip.entryCount));
    const toRead: Array<{ entry: yauzl.Entry; path: string }> = [];
    let declared = 0;
    for await (const entry of zip.eachEntry()) {
      checkAborted(signal);
      collector.countEntry();
      const rawName = entryName(entry);
      declared += entry.uncompressedSize;
      if (declared > limits.maxArchiveBytes) collector.tooLarge(`at least ${declared}`);
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (entry.uncompressedSize >= RATIO_MIN_BYTES && ratio > limits.maxCompressionRatio)
        collector.tooCompressed(ratio, rawName);
      const path = collector.admit(rawName, entryType(entry, rawName));
      if (path === null) continue;
      if (entry.isEncrypted())
        issues.add(
          'INVALID_IMAGE',
          `entry ${path} of ${collector.name} is encrypted; upload an archive without a password`,
          {
            entry: path,
          },
        );
      else if (!entry.canDecodeFileData())
        issues.add(
          'INVALID_IMAGE',
          `entry ${path} of ${collector.name} uses zip compression method ${entry.compressionMethod}, which cannot be read; re-create the archive with standard (deflate) compression`,
          { entry: path },
        );
      else toRead.push({ entry, path });
    }
    const overall = declared / Math.max(1, fileSize);
    if (declared >= RATIO_MIN_BYTES && overall > limits.maxCompressionRatio) collector.tooCompressed(overall);
    onProgress(0.05);
    for (const [i, { entry, path }] of toRead.entries()) {
      if (issues.full) break;
      checkAborted(signal);
      const stream = await zip.openReadStreamPromise(entry);
      try {
        await collector.readImage(path, stream, {
          thumbnail: collector.wantsThumbnail(entry.uncompressedSize),
          drain: false,
          countBytes: true,
        });
      } finally {
        stream.destroy();
      }
      onProgress(0.05 + (0.9 * (i + 1)) / toRead.length);
    }
  } finally {
    zip.close();
  }
}

/** The entry's name: the Info-ZIP Unicode path when present and current, else UTF-8 when flagged or valid, else Latin-1. */
function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileNameRaw;
  for (const field of entry.extraFields) {
    if (field.id !== UNICODE_PATH_FIELD || field.data.length < 6 || field.data[0] !== 1) continue;
    if (field.data.readUInt32LE(1) === crc32(raw)) return field.data.subarray(5).toString('utf8');
  }
  return (entry.generalPurposeBitFlag & 0x800) !== 0 || isUtf8(raw) ? raw.toString('utf8') : raw.toString('latin1');
}

/** File type from the Unix mode bits in the external attributes (when an archiver wrote them). */
function entryType(entry: yauzl.Entry, name: string): EntryType {
  const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
  const kind = mode & S_IFMT;
  if (kind === S_IFLNK) return 'symlink';
  if (name.endsWith('/') || kind === S_IFDIR || (entry.externalFileAttributes & DOS_DIRECTORY) !== 0)
    return 'directory';
  if (kind !== 0 && kind !== S_IFREG) return 'other';
  return 'file';
}
