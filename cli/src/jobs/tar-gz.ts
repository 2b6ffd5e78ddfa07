import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UsageError } from '../errors.js';

/** Folders a code directory keeps for tools, not for the job. */
const SKIPPED = new Set(['node_modules', '.git', '__pycache__']);
const BLOCK = 512;

/** `value` as a NUL-terminated octal field of `width` bytes. */
function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** Splits a path into ustar's `prefix` (155 bytes) and `name` (100 bytes) at a `/`. */
function splitName(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new UsageError(`${path}: the path is too long for a code archive (at most 255 bytes); shorten it`);
}

/** One ustar header block. */
function header(path: string, type: '0' | '2' | '5', mode: number, size: number, mtime: number, link = ''): Buffer {
  const block = Buffer.alloc(BLOCK);
  const [prefix, name] = splitName(path);
  if (Buffer.byteLength(link) > 100) {
    throw new UsageError(`${path}: the link target is too long for a code archive (at most 100 bytes)`);
  }
  block.write(name, 0, 100);
  block.write(octal(mode & 0o7777, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(Math.floor(mtime / 1000), 12), 136);
  block.write('        ', 148);
  block.write(type, 156);
  block.write(link, 157, 100);
  block.write('ustar\u000000', 257);
  block.write(prefix, 345, 155);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

/** Every entry under `root` (sorted, so the same directory packs the same way), skipping tool folders. */
async function* walk(root: string, dir: string): AsyncGenerator<{ path: string; full: string }> {
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    if (SKIPPED.has(name)) continue;
    const full = join(dir, name);
    yield { path: relative(root, full).split(sep).join('/'), full };
    if ((await lstat(full)).isDirectory()) yield* walk(root, full);
  }
}

/** The directory `root` as a gzip-compressed ustar archive (files, directories and relative links). */
export async function packDirectory(root: string, maxBytes: number): Promise<{ archive: Buffer; files: number }> {
  const blocks: Buffer[] = [];
  let total = 0;
  let files = 0;
  for await (const { path, full } of walk(root, root)) {
    const info = await lstat(full);
    if (info.isDirectory()) blocks.push(header(`${path}/`, '5', info.mode, 0, info.mtimeMs));
    else if (info.isSymbolicLink()) blocks.push(header(path, '2', 0o777, 0, info.mtimeMs, await readlink(full)));
    else if (info.isFile()) {
      total += info.size;
      if (total > maxBytes) {
        throw new UsageError(
          `${root} holds more than ${maxBytes} bytes of files; leave data and build outputs out of the code directory and read data from dataset inputs`,
        );
      }
      const data = await readFile(full);
      blocks.push(header(path, '0', info.mode, data.length, info.mtimeMs), data);
      if (data.length % BLOCK !== 0) blocks.push(Buffer.alloc(BLOCK - (data.length % BLOCK)));
      files++;
    }
    // sockets, FIFOs and devices are not code: left out
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  return { archive: gzipSync(Buffer.concat(blocks)), files };
}
