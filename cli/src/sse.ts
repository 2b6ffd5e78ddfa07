import type { ApiClient } from './api-client.js';
import { ApiError } from './errors.js';

/** The request headers the signed-in principal sends (as ApiClient does for queries). */
export function authHeaders(client: ApiClient): Record<string, string> {
  const credentials = client.signedIn();
  const token = credentials.kind === 'session' ? credentials.accessToken : credentials.apiKey;
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (credentials.organization) headers['x-aitip-org'] = credentials.organization.id;
  return headers;
}

/**
 * The events of one GraphQL over SSE subscription (distinct connections mode), the value of its one
 * field each, until the server completes it or `signal` aborts.
 */
export async function* subscribeOverSse<T>(
  client: ApiClient,
  query: string,
  variables: Record<string, unknown>,
  signal: AbortSignal,
): AsyncGenerator<T> {
  const response = await fetch(new URL('/graphql', client.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...authHeaders(client) },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || !type.includes('text/event-stream') || !response.body) {
    const body = (await response.json().catch(() => undefined)) as
      { errors?: Array<{ message: string; extensions?: { code?: string } }> } | undefined;
    const first = body?.errors?.[0];
    throw new ApiError(
      first?.message ?? `The router answered HTTP ${response.status} to the subscription.`,
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
        data?: Record<string, T> | null;
        errors?: Array<{ message: string; extensions?: { code?: string; reason?: string } }>;
      };
      const error = result.errors?.[0];
      if (error) throw new ApiError(error.message, error.extensions?.code, error.extensions?.reason);
      const value = result.data && Object.values(result.data)[0];
      if (value) yield value;
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
