import type { ApiClient } from '../api-client.js';
import { UsageError } from '../errors.js';
import type { UploadSessionFile } from './api.js';
import { formatTime, plural } from './format.js';
import { ByteProgress } from './progress.js';
import { InterruptedError, TransferError, pause, putFileRange, runPool } from './transfer.js';

/** An upload session's files, with the parts already in storage when it is resumed. */
export interface PartSession {
  id: string;
  expiresAt: string;
  files: Array<UploadSessionFile & { uploadedParts?: Array<{ partNumber: number; size: number }> }>;
}

const PART_URLS = `query DatasetUploadPartUrls($id: ID!) {
  datasetUpload(id: $id) { status files { path partUrls { partNumber url } } }
}`;

const PART_ATTEMPTS = 5;

/**
 * Sends the parts of an upload session that are not in storage yet, `options.concurrency` at a time,
 * each read from disk by byte range, with a progress bar on stderr. A part whose URL expired gets a
 * fresh one; one that fails on the network is tried again with back-off.
 */
export async function sendMissingParts(
  client: ApiClient,
  session: PartSession,
  absolutePaths: ReadonlyMap<string, string>,
  options: { concurrency: number; stopAfterParts: number | undefined },
  outer: AbortSignal,
): Promise<{ partsSent: number; partsAlreadyUploaded: number }> {
  const tasks: Array<{ path: string; file: string; partNumber: number; start: number; length: number }> = [];
  let alreadyBytes = 0;
  let partsAlreadyUploaded = 0;
  for (const f of session.files) {
    const have = new Map((f.uploadedParts ?? []).map((p) => [p.partNumber, p.size]));
    for (let n = 1; n <= f.partCount; n++) {
      const start = (n - 1) * f.partSize;
      const length = Math.min(f.partSize, f.size - start);
      if (have.get(n) === length) {
        alreadyBytes += length;
        partsAlreadyUploaded++;
      } else {
        tasks.push({ path: f.path, file: absolutePaths.get(f.path)!, partNumber: n, start, length });
      }
    }
  }
  if (tasks.length === 0) return { partsSent: 0, partsAlreadyUploaded };

  const total = session.files.reduce((n, f) => n + f.size, 0);
  const urls = new PartUrls(client, session.id);
  await urls.refresh();
  const bar = new ByteProgress('Uploading', total, alreadyBytes);
  const controller = new AbortController();
  const stop = () => controller.abort(outer.reason);
  if (outer.aborted) stop();
  else outer.addEventListener('abort', stop, { once: true });
  let partsSent = 0;
  try {
    await runPool(
      tasks,
      options.concurrency,
      async (task, signal) => {
        for (let attempt = 1; ; attempt++) {
          const generation = urls.generation;
          let counted = 0;
          try {
            await putFileRange(
              urls.get(task.path, task.partNumber),
              task.file,
              task.start,
              task.length,
              (n) => {
                counted += n;
                bar.add(n);
              },
              signal,
            );
            break;
          } catch (err) {
            bar.add(-counted);
            if (signal.aborted) throw err;
            // an expired URL: ask for fresh ones once, then try again
            if (err instanceof TransferError && err.status === 403 && attempt === 1) {
              await urls.refresh(generation);
              continue;
            }
            const retryable = !(err instanceof TransferError) || err.retryable;
            if (!retryable || attempt >= PART_ATTEMPTS) {
              throw new Error(
                `Could not upload part ${task.partNumber} of ${task.path}: ${(err as Error).message}. ` +
                  'Run the same command again to resume the upload.',
              );
            }
            await pause(500 * 2 ** (attempt - 1), signal);
          }
        }
        partsSent++;
        if (options.stopAfterParts !== undefined && partsSent >= options.stopAfterParts) {
          controller.abort(new InterruptedError('stopped by AITIP_UPLOAD_STOP_AFTER_PARTS'));
        }
      },
      controller.signal,
    );
  } catch (err) {
    bar.stop();
    if (controller.signal.aborted) {
      throw new InterruptedError(
        `Interrupted after sending ${partsSent} of ${plural(tasks.length, 'part')}. Run the same command again ` +
          `to send the rest of upload ${session.id} (it stays open until ${formatTime(session.expiresAt)}), ` +
          'or add --restart to start over.',
      );
    }
    throw err;
  } finally {
    outer.removeEventListener('abort', stop);
  }
  bar.finish();
  return { partsSent, partsAlreadyUploaded };
}

/** The presigned part URLs of an upload, fetched again when they expire. */
class PartUrls {
  generation = 0;
  private urls = new Map<string, string>();
  private pending: Promise<void> | undefined;

  constructor(
    private readonly client: ApiClient,
    private readonly uploadId: string,
  ) {}

  get(path: string, partNumber: number): string {
    const url = this.urls.get(`${partNumber}:${path}`);
    if (!url) throw new Error(`The platform gave no URL for part ${partNumber} of ${path}.`);
    return url;
  }

  /** Fetches fresh URLs, unless another part already did since it read `seen`. */
  async refresh(seen = this.generation): Promise<void> {
    if (seen !== this.generation) return;
    this.pending ??= this.load().finally(() => (this.pending = undefined));
    await this.pending;
  }

  private async load(): Promise<void> {
    const { datasetUpload } = await this.client.request<{
      datasetUpload: {
        status: string;
        files: Array<{ path: string; partUrls: Array<{ partNumber: number; url: string }> }>;
      };
    }>(PART_URLS, { id: this.uploadId });
    if (datasetUpload.status !== 'UPLOADING') {
      throw new UsageError(
        `Upload ${this.uploadId} no longer takes parts (it is ${datasetUpload.status.toLowerCase()}). ` +
          'Run the command again with --restart to start a new upload.',
      );
    }
    const urls = new Map<string, string>();
    for (const file of datasetUpload.files) {
      for (const part of file.partUrls) urls.set(`${part.partNumber}:${file.path}`, part.url);
    }
    this.urls = urls;
    this.generation++;
  }
}
