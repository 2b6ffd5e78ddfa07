import { invalidParameter } from '../tracking/validate.js';

/** Room left for the path in an object key (S3 allows 1,024 bytes; the run's prefix takes about 160). */
const MAX_PATH_BYTES = 800;

/**
 * A run-relative artifact path, `/`-separated, as a key suffix: refused when absolute, when a
 * segment is empty, `.` or `..`, or when it holds a backslash or a control character — a path can
 * never leave the run's artifact root. `''` (the root) is accepted only where `root` allows it.
 */
export function checkArtifactPath(path: string, options: { root?: boolean } = {}): string {
  const trimmed = options.root ? path.replace(/\/+$/, '') : path;
  if (trimmed === '') {
    if (options.root) return '';
    throw invalidParameter('Give the path of an artifact file, e.g. "model/weights.bin".', { field: 'path' });
  }
  const refuse = (why: string) =>
    invalidParameter(`Invalid artifact path "${path}": ${why}. Use a relative path like "plots/loss.png".`, {
      field: 'path',
    });
  if (trimmed.startsWith('/')) throw refuse('it is absolute');
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(trimmed)) throw refuse('it holds a backslash or a control character');
  for (const segment of trimmed.split('/')) {
    if (segment === '') throw refuse('it has an empty segment');
    if (segment === '.' || segment === '..') throw refuse(`"${segment}" segments are not allowed`);
  }
  if (Buffer.byteLength(trimmed) > MAX_PATH_BYTES) throw refuse(`it is longer than ${MAX_PATH_BYTES} bytes`);
  return trimmed;
}

const CONTENT_TYPES: Record<string, string> = {
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  json: 'application/json',
  yaml: 'text/yaml',
  yml: 'text/yaml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  pdf: 'application/pdf',
};

/**
 * The type an artifact is stored and served with, from its extension. HTML and SVG stay
 * octet-stream: served inline from the platform's origin they could run scripts.
 */
export function artifactContentType(path: string): string {
  const dot = path.lastIndexOf('.');
  const ext = dot > path.lastIndexOf('/') ? path.slice(dot + 1).toLowerCase() : '';
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}
