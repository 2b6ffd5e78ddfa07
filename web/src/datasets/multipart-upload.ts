import type { AnyVariables, Client, OperationResult, TypedDocumentNode } from 'urql';
import { describeApiError } from '../graphql/errors';
import {
  ABORT_DATASET_UPLOAD,
  COMPLETE_DATASET_UPLOAD,
  DATASET_UPLOAD_PART_URLS,
  DATASET_UPLOAD_PARTS,
  START_DATASET_UPLOAD,
  type PartUrl,
  type UploadOutcome,
  type UploadSessionFile,
} from './operations';

/** Parts sent at the same time. */
export const PARALLEL_PARTS = 4;

// A part that fails for a network reason is tried this many times in all.
const PART_ATTEMPTS = 3;
const RETRY_DELAY_MS = 1_000;

/** One part of one file still to send: bytes [start, end) of `file`. */
export interface PartTask {
  file: File;
  path: string;
  partNumber: number;
  start: number;
  end: number;
}

/** What an upload still has to send, and what it sent before (when resumed). */
export interface UploadPlan {
  uploadId: string;
  totalBytes: number;
  totalParts: number;
  /** Parts already in storage from an earlier attempt (0 for a new upload). */
  resumedParts: number;
  resumedBytes: number;
  tasks: PartTask[];
}

/** The path a picked or dropped file gets inside the version: its folder path when it has one. */
export function uploadPathOf(file: File): string {
  return file.webkitRelativePath || file.name;
}

/**
 * Where the browser remembers an unfinished upload of these files to this dataset: the same
 * files (name, size, last change) dropped again resume it instead of starting over.
 */
export function resumeKey(datasetId: string, files: readonly File[]): string {
  const identity = files
    .map((file) => `${uploadPathOf(file)}:${file.size}:${file.lastModified}`)
    .sort()
    .join('|');
  return `aitip.datasetUpload:${datasetId}:${identity}`;
}

/** The upload id remembered for these files, if any. */
export function rememberedUpload(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Remembers (or, with null, forgets) the upload these files are being sent by. */
export function rememberUpload(key: string, uploadId: string | null): void {
  try {
    if (uploadId) window.localStorage.setItem(key, uploadId);
    else window.localStorage.removeItem(key);
  } catch {
    // Private browsing can refuse storage; the upload still works, it just cannot resume.
  }
}

async function answer<Data, Variables extends AnyVariables>(
  pending: Promise<OperationResult<Data, Variables>>,
): Promise<Data> {
  const result = await pending;
  if (result.error) throw new Error(describeApiError(result.error));
  if (!result.data) throw new Error('The API answered without data. Try again.');
  return result.data;
}

function query<Data, Variables extends AnyVariables>(
  client: Client,
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
) {
  return answer(client.query(document, variables, { requestPolicy: 'network-only' }).toPromise());
}

function mutate<Data, Variables extends AnyVariables>(
  client: Client,
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
) {
  return answer(client.mutation(document, variables).toPromise());
}

function partsOf(file: File, session: UploadSessionFile, skip: ReadonlySet<number>): PartTask[] {
  const tasks: PartTask[] = [];
  for (let partNumber = 1; partNumber <= session.partCount; partNumber += 1) {
    if (skip.has(partNumber)) continue;
    const start = (partNumber - 1) * session.partSize;
    tasks.push({ file, path: session.path, partNumber, start, end: Math.min(start + session.partSize, session.size) });
  }
  return tasks;
}

function fileFor(files: readonly File[], path: string): File {
  const file = files.find((candidate) => uploadPathOf(candidate) === path);
  if (!file) throw new Error(`The upload expects a file "${path}" that was not picked.`);
  return file;
}

/** Declares the files to the API and plans every part of them. */
export async function startUpload(
  client: Client,
  datasetId: string,
  files: readonly File[],
  options: { labelColumn?: string; description?: string },
): Promise<UploadPlan & { partUrls: Map<string, string> }> {
  const { startDatasetUpload: upload } = await mutate(client, START_DATASET_UPLOAD, {
    input: {
      datasetId,
      files: files.map((file) => ({ path: uploadPathOf(file), size: file.size, contentType: file.type || undefined })),
      labelColumn: options.labelColumn,
      description: options.description,
    },
  });
  const partUrls = new Map<string, string>();
  for (const file of upload.files) for (const part of file.partUrls) partUrls.set(partKey(file.path, part), part.url);
  const tasks = upload.files.flatMap((session) => partsOf(fileFor(files, session.path), session, new Set()));
  return {
    uploadId: upload.id,
    totalBytes: upload.files.reduce((sum, file) => sum + file.size, 0),
    totalParts: upload.files.reduce((sum, file) => sum + file.partCount, 0),
    resumedParts: 0,
    resumedBytes: 0,
    tasks,
    partUrls,
  };
}

/**
 * Plans the rest of an earlier upload of the same files: asks which parts are already in storage
 * and keeps only the others. Null when that upload cannot take more parts (completed, aborted,
 * expired, gone) or was of other files.
 */
export async function resumeUpload(
  client: Client,
  uploadId: string,
  files: readonly File[],
): Promise<UploadPlan | null> {
  let upload;
  try {
    ({ datasetUpload: upload } = await query(client, DATASET_UPLOAD_PARTS, { id: uploadId }));
  } catch {
    return null;
  }
  if (upload.status !== 'UPLOADING') return null;
  const sameFiles =
    upload.files.length === files.length &&
    upload.files.every((session) => files.some((f) => uploadPathOf(f) === session.path && f.size === session.size));
  if (!sameFiles) return null;
  let resumedParts = 0;
  let resumedBytes = 0;
  const tasks: PartTask[] = [];
  for (const session of upload.files) {
    const sent = new Set<number>();
    for (const part of session.uploadedParts) {
      sent.add(part.partNumber);
      resumedParts += 1;
      resumedBytes += part.size;
    }
    tasks.push(...partsOf(fileFor(files, session.path), session, sent));
  }
  return {
    uploadId,
    totalBytes: upload.files.reduce((sum, file) => sum + file.size, 0),
    totalParts: upload.files.reduce((sum, file) => sum + file.partCount, 0),
    resumedParts,
    resumedBytes,
    tasks,
  };
}

function partKey(path: string, part: Pick<PartUrl, 'partNumber'>): string {
  return `${part.partNumber}:${path}`;
}

/**
 * Fresh presigned URLs for the parts still to send. One file's parts are asked for by number;
 * with several files the API is asked for every part (one list of numbers applies to each file).
 */
export async function fetchPartUrls(client: Client, uploadId: string, tasks: readonly PartTask[]) {
  const paths = new Set(tasks.map((task) => task.path));
  const partNumbers = paths.size === 1 ? tasks.map((task) => task.partNumber) : null;
  const { datasetUpload } = await query(client, DATASET_UPLOAD_PART_URLS, { id: uploadId, partNumbers });
  const urls = new Map<string, string>();
  for (const file of datasetUpload.files)
    for (const part of file.partUrls) urls.set(partKey(file.path, part), part.url);
  return urls;
}

class PartRefusedError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function putPart(url: string, task: PartTask, signal: AbortSignal): Promise<void> {
  // A slice is read from disk as it is sent: the file is never held in memory whole.
  const response = await fetch(url, { method: 'PUT', body: task.file.slice(task.start, task.end), signal });
  if (response.ok) return;
  const reason = (await response.text().catch(() => '')).trim();
  throw new PartRefusedError(
    `Storage refused part ${task.partNumber} of "${task.path}" (HTTP ${response.status}${reason ? `: ${reason}` : ''}).`,
    response.status,
  );
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

/**
 * PUTs the planned parts, PARALLEL_PARTS at a time, each to its presigned URL. A part that fails
 * on the network is tried again; an expired URL (403) is replaced by a fresh one first. Stops at
 * the first part that cannot be sent, or when `signal` aborts.
 */
export async function sendParts(
  client: Client,
  plan: UploadPlan,
  options: { signal: AbortSignal; initialUrls?: Map<string, string>; onPartSent: (task: PartTask) => void },
): Promise<void> {
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal.reason);
  options.signal.addEventListener('abort', onAbort, { once: true });
  let urls = options.initialUrls ?? null;
  let refreshing: Promise<Map<string, string>> | null = null;
  const refreshUrls = (): Promise<Map<string, string>> => {
    refreshing ??= fetchPartUrls(client, plan.uploadId, plan.tasks).finally(() => (refreshing = null));
    return refreshing;
  };

  const queue = [...plan.tasks];
  async function sendOne(task: PartTask) {
    for (let attempt = 1; ; attempt += 1) {
      urls ??= await refreshUrls();
      const url = urls.get(partKey(task.path, task));
      if (!url) throw new Error(`The API gave no URL for part ${task.partNumber} of "${task.path}". Start again.`);
      try {
        await putPart(url, task, stop.signal);
        return;
      } catch (error) {
        if (stop.signal.aborted || attempt >= PART_ATTEMPTS) throw error;
        if (error instanceof PartRefusedError) {
          // 403: the URL's signature expired; anything else is the storage's final word.
          if (error.status !== 403) throw error;
          urls = await refreshUrls();
        } else {
          await delay(RETRY_DELAY_MS * attempt, stop.signal);
        }
      }
    }
  }
  async function worker() {
    for (let task = queue.shift(); task; task = queue.shift()) {
      await sendOne(task);
      options.onPartSent(task);
    }
  }

  try {
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL_PARTS, queue.length) }, () =>
        worker().catch((error: unknown) => {
          stop.abort(error);
          throw error;
        }),
      ),
    );
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
}

/** Tells the API every part is in storage; validation starts (or the version is already there). */
export async function completeUpload(client: Client, uploadId: string): Promise<UploadOutcome> {
  const { completeDatasetUpload } = await mutate(client, COMPLETE_DATASET_UPLOAD, { input: { uploadId } });
  return completeDatasetUpload;
}

/** Stops an upload and has the API remove what was sent. */
export async function abortUpload(client: Client, uploadId: string): Promise<void> {
  await mutate(client, ABORT_DATASET_UPLOAD, { id: uploadId });
}
