/** Why an entry name may not be extracted, or null when it is a safe relative path. */
export function unsafePathReason(name: string): string | null {
  if (name.includes('\0')) return 'its name contains a NUL byte';
  if (name.includes('\\')) return 'its name contains a backslash, which some tools treat as a folder separator';
  if (name.startsWith('/')) return 'it is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'it starts with a drive letter';
  if (name.split('/').includes('..')) return 'it contains ".." and would land outside the extraction folder';
  return null;
}

/** The entry's path with "./" and empty segments removed (directories keep no trailing slash). */
export function normalizeEntryPath(name: string): string {
  return name
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/** Metadata that archivers add and that is skipped rather than treated as a bad image. */
export function isHarmlessExtra(path: string): boolean {
  const parts = path.split('/');
  const base = parts[parts.length - 1] ?? '';
  return parts.includes('__MACOSX') || base === '.DS_Store' || base === 'Thumbs.db' || base.startsWith('._');
}

const SPLITS: Record<string, string> = {
  train: 'train',
  validation: 'validation',
  val: 'validation',
  valid: 'validation',
  test: 'test',
};

/** Canonical split name of a folder, if it names one. */
export const splitOf = (folder: string | undefined): string | null =>
  folder ? (SPLITS[folder.toLowerCase()] ?? null) : null;

/**
 * The folder that wraps every image, when an archive was made by zipping a folder (`shapes/…`):
 * it is dropped before reading splits and labels. It must not itself be a split, and every image
 * must sit at least two folders deep so that a label remains.
 */
export function commonRoot(paths: string[]): string | null {
  if (!paths.length) return null;
  const first = paths[0]!.split('/')[0]!;
  if (splitOf(first)) return null;
  for (const p of paths) {
    const parts = p.split('/');
    if (parts.length < 3 || parts[0] !== first) return null;
  }
  return first;
}

/**
 * Split and label of an image from its folders: `cat/1.png` is label cat; `train/cat/1.png` is
 * split train, label cat; an image outside any class folder has no label.
 */
export function splitAndLabel(path: string, root: string | null): { split: string | null; label: string | null } {
  let folders = path.split('/').slice(0, -1);
  if (root !== null && folders[0] === root) folders = folders.slice(1);
  const split = splitOf(folders[0]);
  const label = (split ? folders[1] : folders[0]) ?? null;
  return { split, label };
}
