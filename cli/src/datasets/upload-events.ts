import { subscribeOverSse } from '../sse.js';
import type { ApiClient } from '../api-client.js';
import { ApiError } from '../errors.js';
import { getUpload, ISSUE_FIELDS, type DatasetUpload, type ValidationIssue } from './api.js';
import { pause } from './transfer.js';

/** One step of an upload, as `datasetVersionProgress` tells it. */
export interface UploadProgressEvent {
  cursor: string;
  status: string;
  progress: number;
  message: string;
  versionId: string | null;
  issues: ValidationIssue[];
}

const PROGRESS_SUBSCRIPTION = `subscription DatasetVersionProgress($uploadId: ID!, $after: String) {
  datasetVersionProgress(uploadId: $uploadId, after: $after) {
    cursor status progress message versionId issues { ${ISSUE_FIELDS} }
  }
}`;

/** Statuses after which an upload changes no more. */
const FINAL = new Set(['READY', 'INVALID', 'ABORTED', 'EXPIRED']);
const POLL_MS = 500;
// after this many streams that broke without an answer, polling takes over
const STREAM_ATTEMPTS = 3;

/** Whether an upload has reached a status it will not leave. */
export function isFinal(status: string): boolean {
  return FINAL.has(status);
}

/**
 * Follows an upload until it is READY, INVALID, ABORTED or EXPIRED and answers its final state.
 * Listens to `datasetVersionProgress` over GraphQL over SSE (resuming after the last cursor when the
 * stream drops); polls `datasetUpload` every 500 ms when the stream cannot be had.
 */
export async function followUpload(
  client: ApiClient,
  uploadId: string,
  onEvent: (event: Pick<UploadProgressEvent, 'status' | 'progress' | 'message'>) => void,
  signal: AbortSignal,
): Promise<DatasetUpload> {
  let after: string | null = null;
  let failures = 0;
  for (;;) {
    // also renews an expiring session before the stream needs the token
    const upload = await getUpload(client, uploadId);
    if (!upload) throw new ApiError(`The platform no longer knows upload ${uploadId}.`, 'NOT_FOUND', undefined);
    if (isFinal(upload.status)) return upload;
    if (signal.aborted) throw signal.reason;
    if (failures >= STREAM_ATTEMPTS) {
      onEvent({ status: upload.status, progress: upload.progress, message: '' });
      await pause(POLL_MS, signal);
      continue;
    }
    try {
      let final = false;
      for await (const event of subscribeOverSse<UploadProgressEvent>(
        client,
        PROGRESS_SUBSCRIPTION,
        { uploadId, after },
        signal,
      )) {
        after = event.cursor;
        failures = 0;
        onEvent(event);
        final = isFinal(event.status);
        if (final) break;
      }
      if (!final) {
        // the stream ended early (the router restarted, the token expired): subscribe again after the last event
        failures++;
        await pause(POLL_MS, signal);
      }
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      // an error the API answered with (not a broken stream) will not go away by subscribing again
      if (err instanceof ApiError && err.code !== 'UNAUTHENTICATED') failures = STREAM_ATTEMPTS;
      else failures++;
      await pause(POLL_MS, signal);
    }
  }
}
