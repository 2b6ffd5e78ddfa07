import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { checkAborted } from './issues.js';
import type { EntryType, ImageArchiveCollector } from './images.js';
import { RATIO_MIN_BYTES } from './zip.js';

const TYPES: Record<string, EntryType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
};

/** Counts the bytes flowing through; `check` may refuse the stream by throwing. */
class ByteCounter extends Transform {
  bytes = 0;

  constructor(private readonly check: (bytes: number) => void = () => undefined) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    try {
      this.check(this.bytes);
      callback(null, chunk);
    } catch (err) {
      callback(err as Error);
    }
  }
}

/**
 * Streams a tar or tar.gz archive entry by entry (tar has no directory to read first): entry count,
 * names and types are checked as headers arrive, and the expanded bytes — the gunzip output, or the
 * file itself for a plain tar — are counted as they flow, so a bomb is stopped while inflating.
 */
export async function scanTar(
  localPath: string,
  gzip: boolean,
  collector: ImageArchiveCollector,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const { limits, issues } = collector;
  const fileSize = (await stat(localPath)).size;
  const file = createReadStream(localPath, { highWaterMark: 1024 * 1024 });
  const compressed = new ByteCounter();
  const expanded = new ByteCounter((bytes) => {
    collector.countBytes(bytes - collector.inflatedBytes);
    const ratio = bytes / Math.max(1, compressed.bytes);
    if (gzip && bytes >= RATIO_MIN_BYTES && ratio > limits.maxCompressionRatio) collector.tooCompressed(ratio);
  });
  const extract = tar.extract();
  const stages = gzip ? [file, compressed, createGunzip(), expanded, extract] : [file, compressed, expanded, extract];
  let pipeError: unknown = null;
  const piping = pipeline(stages).catch((err: unknown) => {
    pipeError = err;
    extract.destroy();
  });
  let declared = 0;
  let stoppedEarly = false;
  try {
    for await (const entry of extract) {
      checkAborted(signal);
      collector.countEntry();
      const { header } = entry;
      declared += header.size ?? 0;
      if (declared > limits.maxArchiveBytes) collector.tooLarge(`at least ${declared}`);
      const path = collector.admit(header.name, TYPES[header.type ?? 'file'] ?? 'other');
      if (path === null) {
        for await (const _chunk of entry) {
          // skipped entries are read past, not kept
        }
      } else
        await collector.readImage(path, entry as AsyncIterable<Buffer>, {
          thumbnail: collector.wantsThumbnail(header.size ?? 0),
          drain: true,
          countBytes: false,
        });
      onProgress((0.95 * compressed.bytes) / Math.max(1, fileSize));
      if (issues.full) {
        stoppedEarly = true;
        break;
      }
    }
  } catch (err) {
    throw pipeError ?? err;
  } finally {
    file.destroy();
    extract.destroy();
    await piping;
  }
  if (pipeError && !stoppedEarly) throw pipeError;
}
