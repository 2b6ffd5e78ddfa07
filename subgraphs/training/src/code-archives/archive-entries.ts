/**
 * What a code archive may hold: regular files, directories and symbolic links that stay inside the
 * code directory. Absolute paths, `..` segments, links that point outside (or through another link),
 * hard links to anything but a file seen before, and devices or FIFOs are refused, both when the
 * archive is uploaded and again when a worker extracts it.
 */
import { posix } from 'node:path';
import type { Header } from 'tar-stream';

/** A code archive that cannot be used, with what is wrong in it. */
export class BadArchiveError extends Error {}

/** The entry kinds a code archive may hold. */
export type SafeEntry =
  | { kind: 'file'; path: string; mode: number }
  | { kind: 'directory'; path: string; mode: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'hardlink'; path: string; target: string };

/** A path inside the code directory, `/`-separated and normalized; null when it leaves the directory. */
function insidePath(path: string): string | null {
  if (path.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(path) || path.includes('\0')) return null;
  const segments = path.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return null;
  return segments.join('/');
}

/** Checks archive entries in order, remembering the links and files already seen. */
export class EntryChecker {
  private readonly links = new Set<string>();
  private readonly files = new Set<string>();

  /** The entry as it may be extracted; a BadArchiveError when the archive must be refused. */
  check(header: Header): SafeEntry | null {
    const raw = header.name;
    const path = insidePath(raw);
    if (path === null) {
      throw new BadArchiveError(
        `entry "${raw}" has an absolute path or a ".." segment; pack the code directory with paths relative to it`,
      );
    }
    if (path === '') return null; // the archive's own "./"
    this.refuseThroughLink(raw, path);
    const mode = (header.mode ?? 0o644) & 0o777;
    switch (header.type) {
      case 'file':
      case 'contiguous-file':
        this.files.add(path);
        return { kind: 'file', path, mode };
      case 'directory':
        return { kind: 'directory', path, mode: mode | 0o700 };
      case 'symlink':
        return { kind: 'symlink', path, target: this.checkSymlink(raw, path, header.linkname ?? '') };
      case 'link': {
        const target = insidePath(header.linkname ?? '');
        if (target === null || !this.files.has(target)) {
          throw new BadArchiveError(
            `entry "${raw}" is a hard link to "${header.linkname}", which is not a file earlier in the archive; archive the file itself`,
          );
        }
        this.files.add(path);
        return { kind: 'hardlink', path, target };
      }
      default:
        throw new BadArchiveError(
          `entry "${raw}" is a ${header.type ?? 'special file'}; a code archive holds only files, directories and links inside it`,
        );
    }
  }

  /** An entry written through a link, or over one, could land anywhere the link points. */
  private refuseThroughLink(raw: string, path: string): void {
    const segments = path.split('/');
    for (let i = 1; i <= segments.length; i++) {
      if (this.links.has(segments.slice(0, i).join('/'))) {
        throw new BadArchiveError(
          `entry "${raw}" is written through or over the link "${segments.slice(0, i).join('/')}"; archive the files themselves`,
        );
      }
    }
  }

  private checkSymlink(raw: string, path: string, linkname: string): string {
    const outside = () =>
      new BadArchiveError(
        `entry "${raw}" is a link to "${linkname}", outside the code directory; archive the file it points to instead`,
      );
    if (linkname === '' || posix.isAbsolute(linkname) || linkname.includes('\0')) throw outside();
    // walked from the link's own directory (which holds no link: refuseThroughLink saw to that); a
    // target that passes through another link resolves wherever that one points, so it is refused too
    const resolved = posix.dirname(path) === '.' ? [] : posix.dirname(path).split('/');
    for (const segment of linkname.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') {
        if (resolved.length === 0) throw outside();
        resolved.pop();
        continue;
      }
      resolved.push(segment);
      if (this.links.has(resolved.join('/'))) throw outside();
    }
    this.links.add(path);
    return linkname;
  }
}
