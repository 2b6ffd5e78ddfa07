import { InputError } from '@aitip/kit';

/** Longest file path inside a version. */
const MAX_PATH_LENGTH = 1024;

/**
 * Checks the file paths of an upload: relative `/`-separated paths without `.`/`..` segments,
 * backslashes, control characters or duplicates. Returns them normalised (no leading `./`).
 */
export function checkUploadPaths(paths: readonly string[]): string[] {
  const seen = new Set<string>();
  return paths.map((raw) => {
    const path = raw.replace(/^(\.\/)+/, '');
    const refuse = (why: string) => {
      throw new InputError(`File path "${raw}" ${why}.`, { field: 'files', code: 'INVALID_PATH', path: raw });
    };
    if (path.length === 0) refuse('is empty; give each file its path inside the dataset, e.g. "train/data.csv"');
    if (path.length > MAX_PATH_LENGTH) refuse(`is longer than ${MAX_PATH_LENGTH} characters`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(path)) refuse('contains control characters');
    if (path.includes('\\')) refuse('contains a backslash; use "/" between folders');
    if (path.startsWith('/') || /^[A-Za-z]:/.test(path))
      refuse('is absolute; give the path relative to the dataset root');
    if (path.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
      refuse('has an empty, "." or ".." segment; paths must stay inside the dataset');
    }
    if (seen.has(path)) {
      throw new InputError(`File path "${path}" appears twice; every file of a version needs its own path.`, {
        field: 'files',
        code: 'DUPLICATE_FILE',
        path,
      });
    }
    seen.add(path);
    return path;
  });
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Checks a client-declared sha256 (lowercase hex). */
export function checkSha256(path: string, sha256: string | null | undefined): string | undefined {
  if (sha256 === null || sha256 === undefined) return undefined;
  const value = sha256.toLowerCase();
  if (!SHA256.test(value)) {
    throw new InputError(`The sha256 of "${path}" must be 64 hexadecimal characters.`, { field: 'sha256', path });
  }
  return value;
}
