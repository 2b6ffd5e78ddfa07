import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { ApiClient } from '../api-client.js';
import { UsageError } from '../errors.js';
import { versionFiles, type DownloadableFile } from './api.js';
import { isInside } from './local-files.js';
import { ByteProgress } from './progress.js';
import { downloadAll } from './transfer.js';

/** How a download went. */
export interface DownloadOutcome {
  directory: string;
  files: Array<{ path: string; target: string; sizeBytes: number; sha256: string; skipped: boolean }>;
}

/** Where a version's file goes under `directory`; a UsageError for a path that would leave it. */
export function targetOf(directory: string, path: string): string {
  const target = resolve(directory, path);
  if (isAbsolute(path) || path.split(/[\\/]/).includes('..') || !isInside(directory, target) || target === directory) {
    throw new UsageError(`The version holds a file "${path}" whose path leaves the download folder; refusing it.`);
  }
  return target;
}

async function hashOf(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** Whether `target` already holds exactly this file (a download run again after an interruption). */
async function alreadyThere(target: string, file: DownloadableFile): Promise<boolean> {
  const info = await stat(target).catch(() => undefined);
  if (!info) return false;
  if (!info.isFile())
    throw new UsageError(`${target} is in the way: it is not a regular file. Move it or choose another --output.`);
  return info.size === file.sizeBytes && (await hashOf(target)) === file.sha256;
}

/**
 * Downloads every file of a version into `directory` (sub-folders created), `concurrency` at a
 * time, checking each file's size and sha256; files already there with the right content are kept.
 */
export async function downloadVersion(
  client: ApiClient,
  versionId: string,
  directory: string,
  concurrency: number,
  signal: AbortSignal,
): Promise<DownloadOutcome> {
  let files = await versionFiles(client, versionId);
  const root = resolve(directory);
  const planned = files.map((f) => ({ file: f, target: targetOf(root, f.path) }));
  const outcome: DownloadOutcome = { directory: root, files: [] };
  const todo: typeof planned = [];
  for (const item of planned) {
    const skipped = await alreadyThere(item.target, item.file);
    outcome.files.push({
      path: item.file.path,
      target: item.target,
      sizeBytes: item.file.sizeBytes,
      sha256: item.file.sha256,
      skipped,
    });
    if (!skipped) todo.push(item);
  }
  const total = planned.reduce((n, p) => n + p.file.sizeBytes, 0);
  const done = total - todo.reduce((n, p) => n + p.file.sizeBytes, 0);
  const bar = new ByteProgress('Downloading', total, done);
  await downloadAll(todo, {
    concurrency,
    signal,
    bar,
    pathOf: (file) => file.path,
    urlOf: (file) => {
      const url = files.find((f) => f.path === file.path)?.downloadUrl;
      if (!url) throw new UsageError(`The platform gave no download URL for ${file.path}; the version may be deleted.`);
      return url;
    },
    expected: (file) => ({ size: file.sizeBytes, sha256: file.sha256 }),
    refresh: () => versionFiles(client, versionId).then((fresh) => void (files = fresh)),
    rerunHint: 'files already downloaded are kept',
  });
  return outcome;
}
