import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { dirname, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ApiClient } from '../api-client.js';
import { UsageError } from '../errors.js';
import { isInside } from '../datasets/local-files.js';
import { ByteProgress } from '../datasets/progress.js';
import { InterruptedError, TransferError, pause, runPool } from '../datasets/transfer.js';
import { listArtifacts, type ArtifactEntry } from './api.js';

/** What `runs artifacts download` wrote. */
export interface ArtifactDownload {
  directory: string;
  files: Array<{ path: string; target: string; size: number | null }>;
}

const FILE_ATTEMPTS = 4;

/** `path` without leading/trailing slashes; '' is the run's artifact root. */
export function normalizeArtifactPath(path: string | undefined): string {
  return (path ?? '').replace(/^\/+|\/+$/g, '');
}

/**
 * Every file under `path` (a directory, walked recursively) or `path` itself when it is a file;
 * a UsageError when the run has nothing there.
 */
export async function collectArtifactFiles(client: ApiClient, runId: string, path: string): Promise<ArtifactEntry[]> {
  const files: ArtifactEntry[] = [];
  const pending = [path];
  while (pending.length > 0) {
    const dir = pending.shift()!;
    const entries = await listArtifacts(client, runId, dir);
    if (dir === path && entries.length === 0 && path !== '') {
      const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
      const self = (await listArtifacts(client, runId, parent)).find((e) => e.path === path);
      if (self && !self.isDir) return [self];
      if (!self) {
        throw new UsageError(
          `Run ${runId} has no artifact "${path}". See what it has with \`aitip runs artifacts list ${runId}\`.`,
        );
      }
    }
    for (const entry of entries) {
      if (entry.isDir) pending.push(entry.path);
      else files.push(entry);
    }
  }
  return files;
}

/** Where an artifact goes under `root`; a UsageError for a path that would leave it. */
export function artifactTarget(root: string, path: string): string {
  const target = resolve(root, path);
  if (path.split('/').includes('..') || !isInside(root, target) || target === root) {
    throw new UsageError(`The run holds an artifact "${path}" whose path leaves the download folder; refusing it.`);
  }
  return target;
}

/**
 * Downloads the artifacts under `path` (all of them for '') into `directory`, keeping their paths,
 * `concurrency` files at a time, through their presigned URLs; checks each file's size.
 */
export async function downloadArtifacts(
  client: ApiClient,
  runId: string,
  path: string,
  directory: string,
  concurrency: number,
  signal: AbortSignal,
): Promise<ArtifactDownload> {
  let files = await collectArtifactFiles(client, runId, path);
  const root = resolve(directory);
  const planned = files.map((file) => ({ file, target: artifactTarget(root, file.path) }));
  const bar = new ByteProgress(
    'Downloading',
    planned.reduce((n, p) => n + (p.file.size ?? 0), 0),
  );
  let refreshed: Promise<void> | undefined;
  const urlOf = (path: string): string => {
    const url = files.find((f) => f.path === path)?.downloadUrl;
    if (!url) throw new UsageError(`The platform gave no download URL for ${path}; the run may be deleted.`);
    return new URL(url, client.url).toString();
  };
  try {
    await runPool(
      planned,
      concurrency,
      async ({ file, target }, poolSignal) => {
        await mkdir(dirname(target), { recursive: true });
        for (let attempt = 1; ; attempt++) {
          let counted = 0;
          try {
            await fetchToFile(
              urlOf(file.path),
              target,
              file.size,
              (n) => {
                counted += n;
                bar.add(n);
              },
              poolSignal,
            );
            return;
          } catch (err) {
            bar.add(-counted);
            if (poolSignal.aborted) throw err;
            if (err instanceof TransferError && err.status === 403 && attempt === 1) {
              // the presigned URLs expired: one fresh listing for every file
              refreshed ??= collectArtifactFiles(client, runId, path).then((fresh) => void (files = fresh));
              await refreshed;
              continue;
            }
            const retryable = !(err instanceof TransferError) || err.retryable;
            if (!retryable || attempt >= FILE_ATTEMPTS) {
              throw new Error(
                `Could not download ${file.path}: ${(err as Error).message}. Run the same command again.`,
              );
            }
            await pause(500 * 2 ** (attempt - 1), poolSignal);
          }
        }
      },
      signal,
    );
  } catch (err) {
    bar.stop();
    if (signal.aborted) throw new InterruptedError('Interrupted. Run the same command again.');
    throw err;
  }
  bar.finish();
  return { directory: root, files: planned.map(({ file, target }) => ({ path: file.path, target, size: file.size })) };
}

/** GETs `url` into `target` through a temporary file beside it, renamed into place once the size matches. */
async function fetchToFile(
  url: string,
  target: string,
  size: number | null,
  onBytes: (bytes: number) => void,
  signal: AbortSignal,
): Promise<void> {
  const parsed = new URL(url);
  const res = await new Promise<http.IncomingMessage>((done, fail) => {
    (parsed.protocol === 'https:' ? https : http).get(parsed, { signal }, done).on('error', fail);
  });
  const status = res.statusCode ?? 0;
  if (status !== 200) {
    let body = '';
    for await (const chunk of res as AsyncIterable<Buffer>) if (body.length < 2000) body += chunk.toString('utf8');
    const detail = (/<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? body).trim().split('\n')[0]!.slice(0, 300);
    throw new TransferError(`the storage answered HTTP ${status}: ${detail}`, status);
  }
  const partial = `${target}.aitip-download`;
  let received = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  try {
    await pipeline(res, count, createWriteStream(partial), { signal });
    if (size !== null && received !== size) {
      throw new TransferError(`got ${received} bytes where the run lists ${size}`, 502);
    }
    await rename(partial, target);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}
