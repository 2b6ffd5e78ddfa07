import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { dirname } from 'node:path';
import type { ByteProgress } from './progress.js';

/** A transfer the storage answered with an HTTP error status. */
export class TransferError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }

  /** Whether trying again may work: the storage was busy or failed, not a refusal. */
  get retryable(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** The upload or download was stopped (Ctrl-C, or the test hook); the work can be resumed. */
export class InterruptedError extends Error {}

function clientFor(url: URL) {
  return url.protocol === 'https:' ? https : http;
}

async function readSmallBody(res: http.IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (text.length < 2000) text += chunk.toString('utf8');
  }
  return text.slice(0, 2000);
}

/** The first line of a storage error body (S3 answers XML with a `<Message>`). */
function errorDetail(body: string): string {
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  return (message ?? body).trim().split('\n')[0]!.slice(0, 300);
}

/**
 * PUTs bytes [start, start + length) of a file to a presigned part URL, streaming them from disk
 * (never the whole part in memory); `onBytes` hears of each chunk as it is handed to the socket.
 * Resolves with the ETag the storage answered.
 */
export function putFileRange(
  url: string,
  file: string,
  start: number,
  length: number,
  onBytes: (bytes: number) => void,
  signal: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = clientFor(target).request(target, {
      method: 'PUT',
      headers: { 'content-length': String(length) },
      signal,
    });
    const source = createReadStream(file, { start, end: start + length - 1, highWaterMark: 256 * 1024 });
    request.on('response', (res) => {
      readSmallBody(res).then((body) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(String(res.headers.etag ?? ''));
        else reject(new TransferError(`the storage answered HTTP ${status}: ${errorDetail(body)}`, status));
      }, reject);
    });
    request.on('error', (err) => {
      source.destroy();
      reject(err);
    });
    source.on('data', (chunk: string | Buffer) => onBytes(chunk.length));
    source.on('error', (err) => {
      request.destroy(err);
      reject(err);
    });
    source.pipe(request);
  });
}

/** What the API says of a file: its size (null when unknown) and, for dataset files, its sha256. */
export interface ExpectedFile {
  size: number | null;
  sha256?: string;
}

/**
 * GETs a presigned URL into `target`, through a temporary file beside it renamed into place only
 * when the size and sha256 match what the API said. `onBytes` hears of each chunk received.
 */
export async function downloadFile(
  url: string,
  target: string,
  expected: ExpectedFile,
  onBytes: (bytes: number) => void,
  signal: AbortSignal,
): Promise<void> {
  const partial = `${target}.aitip-download`;
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const parsed = new URL(url);
    clientFor(parsed).get(parsed, { signal }, resolve).on('error', reject);
  });
  const status = res.statusCode ?? 0;
  if (status !== 200) {
    throw new TransferError(`the storage answered HTTP ${status}: ${errorDetail(await readSmallBody(res))}`, status);
  }
  const hash = createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  try {
    await pipeline(res, measure, createWriteStream(partial), { signal });
    const sha256 = hash.digest('hex');
    if ((expected.size !== null && size !== expected.size) || (expected.sha256 && sha256 !== expected.sha256)) {
      throw new TransferError(
        `the downloaded bytes do not match what the platform lists (${size} bytes with sha256 ${sha256}, ` +
          `expected ${expected.size ?? 'any number of'} bytes${expected.sha256 ? ` with sha256 ${expected.sha256}` : ''})`,
        502,
      );
    }
    await rename(partial, target);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/**
 * Runs `work` on every item, at most `concurrency` at once. The first failure stops the others (their
 * signal aborts) and is what the returned promise rejects with, once every running item has settled.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, signal: AbortSignal) => Promise<void>,
  outer: AbortSignal,
): Promise<void> {
  const controller = new AbortController();
  const stopOuter = () => controller.abort(outer.reason);
  if (outer.aborted) stopOuter();
  else outer.addEventListener('abort', stopOuter, { once: true });
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!controller.signal.aborted && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item, controller.signal);
      } catch (err) {
        failure ??= { error: err };
        controller.abort(err);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  } finally {
    outer.removeEventListener('abort', stopOuter);
  }
  if (outer.aborted) throw outer.reason instanceof Error ? outer.reason : new InterruptedError('Interrupted.');
  if (failure) throw failure.error;
}

/** Waits `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Attempts per file before a download gives up. */
const FILE_ATTEMPTS = 4;

/** How `downloadAll` finds each file's URL and what to expect of it. */
export interface DownloadAllOptions<F> {
  concurrency: number;
  signal: AbortSignal;
  bar: ByteProgress;
  pathOf(file: F): string;
  /** The file's presigned URL as last listed. */
  urlOf(file: F): string;
  expected(file: F): ExpectedFile;
  /** Lists the files again for fresh URLs: called once, on the first 403 (the URLs expired). */
  refresh(): Promise<void>;
  /** Said after "Run the same command again" on a failure or an interruption. */
  rerunHint?: string;
}

/**
 * Downloads each file to its target, `concurrency` at a time, with progress on `bar`: a failed
 * transfer is tried again with back-off while the storage says it may work, and expired URLs are
 * listed afresh once.
 */
export async function downloadAll<F>(items: ReadonlyArray<{ file: F; target: string }>, o: DownloadAllOptions<F>) {
  const again = `Run the same command again${o.rerunHint ? `; ${o.rerunHint}` : ''}.`;
  let refreshed: Promise<void> | undefined;
  try {
    await runPool(
      items,
      o.concurrency,
      async ({ file, target }, poolSignal) => {
        await mkdir(dirname(target), { recursive: true });
        for (let attempt = 1; ; attempt++) {
          let counted = 0;
          try {
            const onBytes = (n: number) => {
              counted += n;
              o.bar.add(n);
            };
            await downloadFile(o.urlOf(file), target, o.expected(file), onBytes, poolSignal);
            return;
          } catch (err) {
            o.bar.add(-counted);
            if (poolSignal.aborted) throw err;
            if (err instanceof TransferError && err.status === 403 && attempt === 1) {
              refreshed ??= o.refresh();
              await refreshed;
              continue;
            }
            const retryable = !(err instanceof TransferError) || err.retryable;
            if (!retryable || attempt >= FILE_ATTEMPTS) {
              throw new Error(`Could not download ${o.pathOf(file)}: ${(err as Error).message}. ${again}`);
            }
            await pause(500 * 2 ** (attempt - 1), poolSignal);
          }
        }
      },
      o.signal,
    );
  } catch (err) {
    o.bar.stop();
    if (o.signal.aborted) throw new InterruptedError(`Interrupted. ${again}`);
    throw err;
  }
  o.bar.finish();
}
