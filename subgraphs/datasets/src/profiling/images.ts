import sharp from 'sharp';
import { commonRoot, isHarmlessExtra, normalizeEntryPath, splitAndLabel, unsafePathReason } from './archive-entries.js';
import { ImageSizeReader, type ImageKind } from './image-header.js';
import type { IssueList } from './issues.js';
import { labelColumn, numberColumn } from './numeric-summary.js';
import type { FileProfile, ImageThumbnail, ProfileLimits } from './types.js';

/** Images larger than this are not read whole for a thumbnail (the next image is taken). */
const MAX_THUMBNAIL_SOURCE_BYTES = 32 * 1024 * 1024;
const THUMBNAIL_SIDE = 128;
const SPLIT_ORDER = ['train', 'validation', 'test'];

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

interface ImageRecord {
  path: string;
  kind: ImageKind;
  width: number;
  height: number;
}

/** Why reading the archive stopped early: a limit that makes the rest pointless to read. */
export class ArchiveStop extends Error {}

/**
 * The checks and the profile shared by zip and tar readers: entry names, types and duplicates,
 * byte limits counted as entries are inflated, image sizes from their headers, thumbnails.
 */
export class ImageArchiveCollector {
  readonly images: ImageRecord[] = [];
  entries = 0;
  inflatedBytes = 0;
  private readonly seen = new Set<string>();
  private readonly thumbnailSources: Array<{ path: string; kind: ImageKind; data: Buffer }> = [];

  constructor(
    readonly name: string,
    readonly limits: ProfileLimits,
    readonly issues: IssueList,
  ) {}

  /** Counts one more entry; stops the scan past the entry limit. */
  countEntry(): void {
    this.entries += 1;
    if (this.entries > this.limits.maxArchiveEntries) this.tooManyEntries(`more than ${this.limits.maxArchiveEntries}`);
  }

  tooManyEntries(count: string): never {
    this.issues.add(
      'ARCHIVE_TOO_MANY_ENTRIES',
      `${this.name} holds ${count} entries, more than the ${this.limits.maxArchiveEntries} allowed; split the images into several archives`,
    );
    throw new ArchiveStop();
  }

  tooLarge(bytes: string): never {
    this.issues.add(
      'ARCHIVE_TOO_LARGE',
      `${this.name} expands to ${bytes} bytes, more than the ${this.limits.maxArchiveBytes} allowed; split the images into several archives`,
    );
    throw new ArchiveStop();
  }

  tooCompressed(ratio: number, entry?: string): never {
    const what = entry ? `entry ${entry} of ${this.name}` : this.name;
    this.issues.add(
      'ARCHIVE_RATIO',
      `${what} expands ${Math.round(ratio)} times (more than ${this.limits.maxCompressionRatio}), which is how zip bombs look; images barely compress, so remove whatever compresses this well`,
      entry !== undefined ? { entry } : {},
    );
    throw new ArchiveStop();
  }

  /**
   * Checks an entry's name and type before any of its data is read. Returns the path to read it
   * under, or null when it is skipped (directories, archiver metadata) or refused (issue added).
   */
  admit(rawName: string, type: EntryType): string | null {
    const unsafe = unsafePathReason(rawName);
    if (unsafe) {
      this.issues.add(
        'PATH_TRAVERSAL',
        `entry "${rawName}" of ${this.name} is refused: ${unsafe}; use relative paths inside the archive such as cat/1.png`,
        { entry: rawName },
      );
      return null;
    }
    const path = normalizeEntryPath(rawName);
    if (type === 'symlink' || type === 'hardlink') {
      this.issues.add(
        'SYMLINK',
        `entry ${path} of ${this.name} is a ${type === 'symlink' ? 'symbolic' : 'hard'} link; links are not accepted, put the image file itself in the archive`,
        { entry: path },
      );
      return null;
    }
    if (type === 'directory' || !path || isHarmlessExtra(path)) return null;
    if (this.seen.has(path)) {
      this.issues.add('DUPLICATE_ENTRY', `${this.name} holds ${path} more than once; keep one copy of each file`, {
        entry: path,
      });
      return null;
    }
    this.seen.add(path);
    if (type === 'other') {
      this.issues.add(
        'INVALID_IMAGE',
        `entry ${path} of ${this.name} is not a regular file; keep only PNG and JPEG images`,
        { entry: path },
      );
      return null;
    }
    return path;
  }

  /** Whether the next image should be read whole for a thumbnail. */
  wantsThumbnail(size: number): boolean {
    return (
      this.thumbnailSources.length < this.limits.thumbnails && size <= MAX_THUMBNAIL_SOURCE_BYTES && !this.issues.any
    );
  }

  /** Adds inflated bytes to the archive's total; stops the scan past the byte limit. */
  countBytes(bytes: number): void {
    this.inflatedBytes += bytes;
    if (this.inflatedBytes > this.limits.maxArchiveBytes) this.tooLarge(`more than ${this.limits.maxArchiveBytes}`);
  }

  /**
   * Reads an entry's bytes until its image size is known — or all of them when it becomes a
   * thumbnail, or when `drain` is set (tar entries must be read to the end to reach the next).
   * `countBytes` adds what is read to the archive's total (tar counts its whole stream instead).
   */
  async readImage(
    path: string,
    data: AsyncIterable<Buffer>,
    options: { thumbnail: boolean; drain: boolean; countBytes: boolean },
  ): Promise<void> {
    const reader = new ImageSizeReader();
    const kept: Buffer[] = [];
    for await (const chunk of data) {
      if (options.countBytes) this.countBytes(chunk.length);
      if (options.thumbnail) kept.push(chunk);
      if (!reader.done) reader.push(chunk);
      if (reader.done && !options.thumbnail && !options.drain) break;
    }
    const size = reader.end();
    if ('error' in size) {
      this.issues.add(
        'INVALID_IMAGE',
        `entry ${path} of ${this.name} is not a usable image: ${size.error}; keep only PNG and JPEG images in the archive`,
        { entry: path },
      );
      return;
    }
    this.images.push({ path, ...size });
    if (options.thumbnail) this.thumbnailSources.push({ path, kind: size.kind, data: Buffer.concat(kept) });
  }

  /** Builds the profile once every entry was read and no issue was found; null otherwise. */
  async finish(previewRows: number): Promise<FileProfile | null> {
    if (this.issues.any) return null;
    if (!this.images.length) {
      this.issues.add(
        'EMPTY_FILE',
        `${this.name} holds no PNG or JPEG images; put images in class folders such as cat/1.png`,
      );
      return null;
    }
    const root = commonRoot(this.images.map((i) => i.path));
    const rows = this.images.map((image) => ({ ...image, ...splitAndLabel(image.path, root) }));
    const thumbnails: ImageThumbnail[] = [];
    for (const source of this.thumbnailSources) {
      const thumbnail = await this.thumbnail(source);
      if (!thumbnail) return null;
      thumbnails.push({ ...thumbnail, label: splitAndLabel(source.path, root).label });
    }
    const classes = new Map<string, number>();
    const splits = new Map<string, number>();
    for (const r of rows) {
      if (r.label !== null) classes.set(r.label, (classes.get(r.label) ?? 0) + 1);
      if (r.split !== null) splits.set(r.split, (splits.get(r.split) ?? 0) + 1);
    }
    const shownRows = rows.slice(0, Math.max(0, Math.floor(previewRows)));
    return {
      format: 'IMAGE_ARCHIVE',
      rowCount: rows.length,
      columns: [
        { name: 'path', type: 'VARCHAR', count: rows.length, nullCount: 0, distinctEstimate: rows.length },
        labelColumn(
          'split',
          rows.map((r) => r.split),
        ),
        labelColumn(
          'label',
          rows.map((r) => r.label),
        ),
        numberColumn(
          'width',
          'INTEGER',
          rows.map((r) => r.width),
        ),
        numberColumn(
          'height',
          'INTEGER',
          rows.map((r) => r.height),
        ),
      ],
      preview: {
        columns: ['path', 'split', 'label', 'width', 'height'],
        rows: shownRows.map((r) => [r.path, r.split, r.label, r.width, r.height]),
      },
      images: {
        count: rows.length,
        classes: [...classes]
          .map(([label, count]) => ({ label, count }))
          .sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1)),
        splits: [...splits]
          .map(([name, count]) => ({ name, count }))
          .sort((a, b) => SPLIT_ORDER.indexOf(a.name) - SPLIT_ORDER.indexOf(b.name)),
        thumbnails,
      },
    };
  }

  private async thumbnail(source: {
    path: string;
    kind: ImageKind;
    data: Buffer;
  }): Promise<Omit<ImageThumbnail, 'label'> | null> {
    try {
      const image = sharp(source.data, { failOn: 'error' })
        .rotate()
        .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true });
      const out = source.kind === 'png' ? image.png() : image.jpeg({ quality: 80 });
      const { data, info } = await out.toBuffer({ resolveWithObject: true });
      return {
        path: source.path,
        width: info.width,
        height: info.height,
        contentType: source.kind === 'png' ? 'image/png' : 'image/jpeg',
        data,
      };
    } catch (err) {
      this.issues.add(
        'INVALID_IMAGE',
        `entry ${source.path} of ${this.name} could not be decoded (${err instanceof Error ? err.message : String(err)}); replace it with a valid PNG or JPEG`,
        { entry: source.path },
      );
      return null;
    }
  }
}
