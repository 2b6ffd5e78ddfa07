import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';

/** A file to upload: where it is on disk and its path inside the dataset version. */
export interface LocalFile {
  /** Path inside the version, `/`-separated. */
  path: string;
  /** Absolute path on disk. */
  absolutePath: string;
  size: number;
  mtimeMs: number;
}

/** What `aitip datasets upload <path>` sends: the files, and what was left out. */
export interface LocalSelection {
  /** The absolute, resolved path given. */
  root: string;
  files: LocalFile[];
  /** Notes about what was skipped (symlinked folders, special files). */
  skipped: string[];
}

/** Whether `child` is `parent` or inside it. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

/**
 * The files a path stands for: the file itself (its path in the version is its name), or every
 * regular file under a directory, by relative path, without dotfiles and dot-folders. A symbolic
 * link is followed when it points inside the directory (links to folders are skipped: their files
 * are there already); one pointing outside is refused.
 */
export async function selectFiles(path: string): Promise<LocalSelection> {
  const given = resolve(path);
  const info = await stat(given).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new UsageError(`${path} does not exist: give a file or a directory to upload.`);
    throw new UsageError(`Cannot read ${path}: ${err.message}.`);
  });
  if (info.isFile()) {
    const file: LocalFile = { path: basename(given), absolutePath: given, size: info.size, mtimeMs: info.mtimeMs };
    checkNotEmpty([file], path);
    return { root: given, files: [file], skipped: [] };
  }
  if (!info.isDirectory()) throw new UsageError(`${path} is neither a regular file nor a directory.`);

  const root = await realpath(given);
  const files: LocalFile[] = [];
  const skipped: string[] = [];
  const outside: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const absolutePath = join(dir, entry.name);
      const inVersion = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        await walk(absolutePath, inVersion);
      } else if (entry.isFile()) {
        const s = await lstat(absolutePath);
        files.push({ path: inVersion, absolutePath, size: s.size, mtimeMs: s.mtimeMs });
      } else if (entry.isSymbolicLink()) {
        const target = await realpath(absolutePath).catch(() => undefined);
        if (!target) {
          skipped.push(`${inVersion} (a broken symbolic link)`);
        } else if (!isInside(root, target)) {
          outside.push(`${inVersion} -> ${target}`);
        } else {
          const s = await stat(target);
          if (s.isFile()) files.push({ path: inVersion, absolutePath: target, size: s.size, mtimeMs: s.mtimeMs });
          else skipped.push(`${inVersion} (a symbolic link to a folder that is uploaded already)`);
        }
      } else {
        skipped.push(`${inVersion} (not a regular file)`);
      }
    }
  };
  await walk(root, '');
  if (outside.length > 0) {
    throw new UsageError(
      `Symbolic links in ${path} point outside it: ${outside.join(', ')}. ` +
        'Copy those files into the directory, or remove the links.',
    );
  }
  if (files.length === 0) throw new UsageError(`${path} has no files to upload (dotfiles are left out).`);
  checkNotEmpty(files, path);
  return { root, files, skipped };
}

function checkNotEmpty(files: LocalFile[], given: string): void {
  const empty = files.filter((f) => f.size === 0).map((f) => f.path);
  if (empty.length === 0) return;
  throw new UsageError(
    `${empty.length === 1 ? `${empty[0]} is empty` : `These files are empty: ${empty.join(', ')}`}; ` +
      `a dataset version keeps no empty files. Remove ${empty.length === 1 ? 'it' : 'them'} from ${given} or give them content.`,
  );
}

/** The sha256 (hex) of a file, read as a stream; `onBytes` hears of each chunk read. */
export async function sha256File(path: string, onBytes: (bytes: number) => void, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024, signal }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    onBytes(chunk.length);
  }
  return hash.digest('hex');
}
