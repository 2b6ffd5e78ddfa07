import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, link, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { InputError, NotFoundError, type BlobStore } from '@aitip/kit';
import { codeArchiveKey } from '../storage-keys.js';
import { BadArchiveError, EntryChecker } from './archive-entries.js';

/** What an upload answers. */
export interface StoredCodeArchive {
  archiveId: string;
  sha256: string;
  size: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Reads a `.tar.gz` stream entry by entry, checking each; `onEntry` gets the safe ones (and must drain them). */
async function readArchive(
  source: Readable,
  onEntry: (entry: ReturnType<EntryChecker['check']>, stream: Readable) => Promise<void>,
): Promise<void> {
  const checker = new EntryChecker();
  const tar = extract();
  tar.on('entry', (header, stream, next) => {
    // a refused entry ends the whole archive: its failure is reported once, by the pipeline below
    stream.on('error', () => undefined);
    let entry: ReturnType<EntryChecker['check']>;
    try {
      entry = checker.check(header);
    } catch (err) {
      next(err as Error);
      return;
    }
    onEntry(entry, stream as unknown as Readable).then(
      () => next(),
      (err: unknown) => next(err as Error),
    );
  });
  try {
    await pipeline(source, createGunzip(), tar);
  } catch (err) {
    if (err instanceof BadArchiveError) throw err;
    throw new BadArchiveError(`it is not a readable .tar.gz (${(err as Error).message}); pack it with tar -czf`);
  }
}

/**
 * Code archives (`.tar.gz`) uploaded for training jobs, kept in blob storage under
 * `training/<org>/code/<id>.tar.gz`.
 */
export class CodeArchives {
  constructor(private readonly blob: BlobStore) {}

  /**
   * Streams `body` into blob storage, refusing what is not gzip, larger than `maxBytes`, or holds an
   * entry a code directory must not (see archive-entries.ts); its sha256 is computed on the way.
   */
  async upload(orgId: string, body: Readable, maxBytes: number): Promise<StoredCodeArchive> {
    const archiveId = randomUUID();
    const hash = createHash('sha256');
    let size = 0;
    let refusal: Error | undefined;
    const refuse = (err: Error) => (refusal ??= err);
    // the same bytes go to a checker that reads the archive's entries while they are stored
    const checkerInput = new Transform({ transform: (chunk, _enc, done) => done(null, chunk) });
    // its failures reach `checking`; a write after it failed must not throw
    checkerInput.on('error', () => undefined);
    const checking = readArchive(checkerInput, async (_entry, stream) => {
      stream.resume();
      await new Promise((resolve) => stream.on('end', resolve));
    }).catch((err: Error) => {
      refuse(new InputError(`The code archive was refused: ${err.message}.`, { field: 'body' }));
      checkerInput.resume();
    });
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done: TransformCallback) {
        if (size === 0 && (chunk[0] !== 0x1f || (chunk.length > 1 && chunk[1] !== 0x8b))) {
          return done(
            refuse(
              new InputError(
                'The body is not gzip data: send the code directory as a .tar.gz (tar -czf code.tar.gz -C <dir> .).',
                { field: 'body' },
              ),
            ),
          );
        }
        size += chunk.length;
        if (size > maxBytes) {
          return done(
            refuse(
              new InputError(
                `The code archive is larger than ${maxBytes} bytes (TRAINING_CODE_ARCHIVE_MAX_MIB); leave data and build outputs out of it, and read data from dataset inputs.`,
                { field: 'body' },
              ),
            ),
          );
        }
        hash.update(chunk);
        if (refusal) return done(refusal);
        if (checkerInput.destroyed || checkerInput.write(chunk)) return done(null, chunk);
        const go = () => {
          checkerInput.off('drain', go);
          checkerInput.off('close', go);
          done(refusal ?? null, refusal ? undefined : chunk);
        };
        checkerInput.on('drain', go);
        checkerInput.on('close', go);
      },
      flush(done: TransformCallback) {
        if (size === 0) {
          return done(
            refuse(new InputError('The body is empty: send the code directory as a .tar.gz.', { field: 'body' })),
          );
        }
        if (!checkerInput.destroyed) checkerInput.end();
        void checking.then(() => done(refusal ?? null));
      },
    });
    const key = codeArchiveKey(orgId, archiveId);
    const storing = this.blob.put(key, meter, { contentType: 'application/gzip' });
    body.pipe(meter);
    body.on('error', (err) => meter.destroy(err));
    try {
      await storing;
    } catch (err) {
      checkerInput.destroy();
      body.resume();
      throw refusal ?? err;
    }
    if (refusal) {
      await this.blob.delete(key);
      throw refusal;
    }
    return { archiveId, sha256: hash.digest('hex'), size };
  }

  /** Whether `archiveId` names an archive of the organization. */
  async exists(orgId: string, archiveId: string): Promise<boolean> {
    if (!UUID.test(archiveId)) return false;
    return (await this.blob.stat(codeArchiveKey(orgId, archiveId))) !== null;
  }

  /** Throws an InputError that says what to do when `archiveId` is not an archive of the organization. */
  async requireExisting(orgId: string, archiveId: string): Promise<void> {
    if (!(await this.exists(orgId, archiveId))) {
      throw new InputError(
        `code.archiveId: there is no code archive ${archiveId} in this organization; upload the code with PUT /api/training/code-archives and use the archiveId it answers`,
        { field: 'code.archiveId' },
      );
    }
  }

  /** A URL that downloads the archive until it expires (for backends that fetch the code themselves). */
  presignedUrl(orgId: string, archiveId: string, ttlSeconds: number): Promise<string> {
    return this.blob.presignGet(codeArchiveKey(orgId, archiveId), ttlSeconds);
  }

  /** Extracts the archive into `dir` (created), checking every entry again. */
  async extractTo(orgId: string, archiveId: string, dir: string): Promise<void> {
    if (!UUID.test(archiveId)) throw new NotFoundError(`There is no code archive ${archiveId}.`);
    await mkdir(dir, { recursive: true });
    await extractArchive(await this.blob.get(codeArchiveKey(orgId, archiveId)), dir);
  }
}

/** Extracts a `.tar.gz` stream into `dir`, refusing the archive (BadArchiveError) at its first unsafe entry. */
export async function extractArchive(source: Readable, dir: string): Promise<void> {
  const directories: Array<{ path: string; mode: number }> = [];
  await readArchive(source, async (entry, stream) => {
    if (!entry) return void stream.resume();
    const target = join(dir, entry.path);
    if (entry.kind === 'directory') {
      stream.resume();
      await mkdir(target, { recursive: true });
      directories.push({ path: target, mode: entry.mode });
      return;
    }
    await mkdir(join(target, '..'), { recursive: true });
    if (entry.kind === 'file') {
      await pipeline(stream, createWriteStream(target, { flags: 'wx', mode: entry.mode | 0o600 }));
      return;
    }
    stream.resume();
    if (entry.kind === 'symlink') await symlink(entry.target, target);
    else await link(join(dir, entry.target), target);
  });
  // modes last: a read-only directory would refuse the files inside it
  for (const d of directories) await chmod(d.path, d.mode);
}
