import { resolve } from 'node:path';
import type { ApiClient } from '../api-client.js';
import { UsageError } from '../errors.js';
import { isInside } from '../datasets/local-files.js';
import { ByteProgress } from '../datasets/progress.js';
import { downloadAll } from '../datasets/transfer.js';
import { listArtifacts, type ArtifactEntry } from './api.js';

/** What `runs artifacts download` wrote. */
export interface ArtifactDownload {
  directory: string;
  files: Array<{ path: string; target: string; size: number | null }>;
}

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
  await downloadAll(planned, {
    concurrency,
    signal,
    bar,
    pathOf: (file) => file.path,
    urlOf: (file) => {
      const url = files.find((f) => f.path === file.path)?.downloadUrl;
      if (!url) throw new UsageError(`The platform gave no download URL for ${file.path}; the run may be deleted.`);
      return new URL(url, client.url).toString();
    },
    expected: (file) => ({ size: file.size }),
    refresh: () => collectArtifactFiles(client, runId, path).then((fresh) => void (files = fresh)),
  });
  return { directory: root, files: planned.map(({ file, target }) => ({ path: file.path, target, size: file.size })) };
}
