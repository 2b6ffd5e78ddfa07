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
      for await (const event of subscribe(client, uploadId, after, signal)) {
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

/** The request headers the signed-in principal sends (as ApiClient does for queries). */
function authHeaders(client: ApiClient): Record<string, string> {
  const credentials = client.signedIn();
  const token = credentials.kind === 'session' ? credentials.accessToken : credentials.apiKey;
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (credentials.organization) headers['x-aitip-org'] = credentials.organization.id;
  return headers;
}

/** The events of one GraphQL over SSE subscription (distinct connections mode) until `complete`. */
async function* subscribe(
  client: ApiClient,
  uploadId: string,
  after: string | null,
  signal: AbortSignal,
): AsyncGenerator<UploadProgressEvent> {
  const response = await fetch(new URL('/graphql', client.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...authHeaders(client) },
    body: JSON.stringify({ query: PROGRESS_SUBSCRIPTION, variables: { uploadId, after } }),
    signal,
  });
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || !type.includes('text/event-stream') || !response.body) {
    const body = (await response.json().catch(() => undefined)) as
      { errors?: Array<{ message: string; extensions?: { code?: string } }> } | undefined;
    const first = body?.errors?.[0];
    throw new ApiError(
      first?.message ?? `The router answered HTTP ${response.status} to the progress subscription.`,
      first?.extensions?.code ?? 'SUBSCRIPTION_FAILED',
      undefined,
    );
  }
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const { event, data } = parseEvent(block);
      if (event === 'complete') return;
      if (event !== 'next' || !data) continue;
      const result = JSON.parse(data) as {
        data?: { datasetVersionProgress?: UploadProgressEvent } | null;
        errors?: Array<{ message: string; extensions?: { code?: string; reason?: string } }>;
      };
      const error = result.errors?.[0];
      if (error) throw new ApiError(error.message, error.extensions?.code, error.extensions?.reason);
      const progress = result.data?.datasetVersionProgress;
      if (progress) yield progress;
    }
  }
}

/** The `event:` and joined `data:` lines of one server-sent event; comments (heartbeats) are dropped. */
function parseEvent(block: string): { event: string; data: string } {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return { event, data: data.join('\n') };
}
