/**
 * Packs a folder the user chose (`<input type="file" webkitdirectory>`) as a POSIX ustar archive,
 * gzipped in the browser, so that it can be uploaded as a job's code archive without running tar.
 * Regular files only (mode 0644, their own mtime); paths are relative to the chosen folder.
 */

const BLOCK = 512;
/** The largest size an 11-digit octal field holds (8 GiB − 1). */
const MAX_FILE_BYTES = 0o77777777777;
const NAME_BYTES = 100;
const PREFIX_BYTES = 155;

/** Folders a code archive leaves out: version control, installed packages, Python's bytecode. */
export const SKIPPED_FOLDERS = ['.git', 'node_modules', '__pycache__'] as const;

/** A folder that cannot be packed, with what to do about it. */
export class PackError extends Error {}

/** One file of the archive: its `/`-separated path inside it and its content. */
export interface TarFile {
  path: string;
  content: Blob;
  /** Milliseconds since the epoch, as `File.lastModified`. */
  modified: number;
}

/** What `packFolder` made: the gzipped archive and what went into it. */
export interface PackedFolder {
  folder: string;
  archive: Blob;
  fileCount: number;
  /** Bytes of the files packed (before the tar headers and gzip). */
  contentBytes: number;
  skippedCount: number;
}

const encoder = new TextEncoder();

function writeText(header: Uint8Array, offset: number, text: string | Uint8Array): void {
  header.set(typeof text === 'string' ? encoder.encode(text) : text, offset);
}

/** A number as `length − 1` zero-padded octal digits and a NUL, as ustar's numeric fields are. */
function writeOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  writeText(header, offset, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

/**
 * The path as ustar's name (≤ 100 bytes) and prefix (≤ 155 bytes) fields, split at a `/`; a
 * PackError when it fits neither way.
 */
export function splitPath(path: string): { name: Uint8Array; prefix: Uint8Array } {
  const bytes = encoder.encode(path);
  if (bytes.length <= NAME_BYTES) return { name: bytes, prefix: new Uint8Array(0) };
  // The first `/` that leaves a short enough name leaves the shortest prefix.
  for (let slash = bytes.indexOf(0x2f); slash !== -1; slash = bytes.indexOf(0x2f, slash + 1)) {
    if (bytes.length - slash - 1 > NAME_BYTES) continue;
    if (slash > PREFIX_BYTES || slash === bytes.length - 1) break;
    return { name: bytes.subarray(slash + 1), prefix: bytes.subarray(0, slash) };
  }
  throw new PackError(
    `"${path}" is too long for a tar archive (a file name of at most ${NAME_BYTES} bytes in folders of at most ${PREFIX_BYTES}): shorten it, or pack the folder with tar -czf code.tar.gz -C <folder> . and upload that.`,
  );
}

/** The 512-byte ustar header of a regular file. */
export function tarHeader(file: { path: string; size: number; modified: number }): Uint8Array<ArrayBuffer> {
  if (file.size > MAX_FILE_BYTES) {
    throw new PackError(`"${file.path}" is larger than a tar archive holds; leave it out of the code folder.`);
  }
  const { name, prefix } = splitPath(file.path);
  const header = new Uint8Array(BLOCK);
  writeText(header, 0, name);
  writeOctal(header, 100, 8, 0o644); // mode
  writeOctal(header, 108, 8, 0); // uid
  writeOctal(header, 116, 8, 0); // gid
  writeOctal(header, 124, 12, file.size);
  writeOctal(header, 136, 12, Math.max(0, Math.floor(file.modified / 1000)));
  writeText(header, 148, '        '); // the checksum counts its own field as spaces
  writeText(header, 156, '0'); // a regular file
  writeText(header, 257, 'ustar\0');
  writeText(header, 263, '00');
  writeText(header, 345, prefix);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  writeText(header, 148, `${checksum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

/** The files as an (uncompressed) tar: each header, its content padded to a block, then two zero blocks. */
export function packTar(files: readonly TarFile[]): Blob {
  const parts: BlobPart[] = [];
  for (const file of files) {
    parts.push(tarHeader({ path: file.path, size: file.content.size, modified: file.modified }), file.content);
    const padding = (BLOCK - (file.content.size % BLOCK)) % BLOCK;
    if (padding > 0) parts.push(new Uint8Array(padding));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  return new Blob(parts, { type: 'application/x-tar' });
}

/** The blob gzipped by the browser's CompressionStream. */
export async function gzip(blob: Blob): Promise<Blob> {
  if (typeof CompressionStream === 'undefined') {
    throw new PackError(
      'This browser cannot gzip a folder; pack it with tar -czf code.tar.gz -C <folder> . and upload that.',
    );
  }
  const compressed = blob.stream().pipeThrough(new CompressionStream('gzip'));
  return new Blob([await new Response(compressed).arrayBuffer()], { type: 'application/gzip' });
}

/** The path of a picked file inside the chosen folder: its `webkitRelativePath` without the folder's name. */
function insideFolder(file: File): { folder: string; path: string } {
  const segments = (file.webkitRelativePath || file.name).split('/');
  return segments.length > 1
    ? { folder: segments[0], path: segments.slice(1).join('/') }
    : { folder: '', path: segments[0] };
}

/** Whether a path lies in a folder code archives leave out. */
function isSkipped(path: string): boolean {
  return path
    .split('/')
    .slice(0, -1)
    .some((segment) => (SKIPPED_FOLDERS as readonly string[]).includes(segment));
}

/** Packs the files of a folder input as a .tar.gz, leaving out SKIPPED_FOLDERS. */
export async function packFolder(picked: readonly File[]): Promise<PackedFolder> {
  const files: TarFile[] = [];
  let folder = '';
  for (const file of picked) {
    const inside = insideFolder(file);
    folder ||= inside.folder;
    if (!isSkipped(inside.path)) files.push({ path: inside.path, content: file, modified: file.lastModified });
  }
  const skippedCount = picked.length - files.length;
  if (files.length === 0) {
    throw new PackError(
      skippedCount > 0
        ? `The folder ${folder} holds only files under ${SKIPPED_FOLDERS.join('/, ')}/, which are left out; choose the folder with the job's code.`
        : "The folder holds no files; choose the folder with the job's code.",
    );
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    folder,
    archive: await gzip(packTar(files)),
    fileCount: files.length,
    contentBytes: files.reduce((sum, file) => sum + file.content.size, 0),
    skippedCount,
  };
}
