import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { checkAborted } from './issues.js';
import { countNewlines } from './utf8.js';

const CHUNK_BYTES = 1024 * 1024;

/** Reads up to `bytes` from `offset` of a file. */
export async function readRange(path: string, offset: number, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    let filled = 0;
    while (filled < bytes) {
      const { bytesRead } = await handle.read(buf, filled, bytes - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * Streams a file (or its bytes from `start` up to `end`, exclusive) through `onChunk` in order, one chunk in memory at a
 * time; `onChunk` returning `false` stops early.
 */
export async function forEachChunk(
  path: string,
  onChunk: (chunk: Buffer, position: number) => boolean | void,
  options: { start?: number; end?: number; signal?: AbortSignal } = {},
): Promise<void> {
  checkAborted(options.signal);
  if (options.end !== undefined && options.end <= (options.start ?? 0)) return;
  const stream = createReadStream(path, {
    start: options.start ?? 0,
    // createReadStream's end is inclusive; ours is exclusive
    ...(options.end !== undefined ? { end: options.end - 1 } : {}),
    highWaterMark: CHUNK_BYTES,
  });
  let position = options.start ?? 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      checkAborted(options.signal);
      const goOn = onChunk(chunk, position);
      position += chunk.length;
      if (goOn === false) break;
    }
  } finally {
    stream.destroy();
  }
}

/** 1-based line numbers of the given byte offsets, counted in one pass up to the largest. */
export async function lineNumbersAt(
  path: string,
  offsets: number[],
  signal?: AbortSignal,
): Promise<Map<number, number>> {
  const wanted = [...new Set(offsets)].sort((a, b) => a - b);
  const lines = new Map<number, number>();
  if (!wanted.length) return lines;
  let next = 0;
  let newlines = 0;
  await forEachChunk(
    path,
    (chunk, position) => {
      const chunkEnd = position + chunk.length;
      let from = 0;
      while (next < wanted.length && wanted[next]! < chunkEnd) {
        const local = wanted[next]! - position;
        newlines += countNewlines(chunk, from, local);
        from = local;
        lines.set(wanted[next]!, newlines + 1);
        next += 1;
      }
      if (next >= wanted.length) return false;
      newlines += countNewlines(chunk, from, chunk.length);
      return true;
    },
    { signal },
  );
  for (; next < wanted.length; next += 1) lines.set(wanted[next]!, newlines + 1);
  return lines;
}
