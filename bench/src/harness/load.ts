import autocannon from 'autocannon';
import { quantileOfSorted } from './statistics.js';

/** One HTTP endpoint under load: a GraphQL POST with fixed headers and body. */
export interface LoadTarget {
  name: string;
  url: string;
  body: string;
  headers?: Record<string, string>;
  /** The exact response body every request must get; others are counted as mismatches. */
  expectBody?: string;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  /** Seconds before autocannon gives up on a request and reconnects (10 by default). */
  timeoutSeconds?: number;
}

/** What one load round measured; latencies in milliseconds. */
export interface LoadResult {
  /** Requests answered with 2xx. */
  completed: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** Non-2xx answers, connection errors, timeouts, bodies other than `expectBody`. */
  non2xx: number;
  errors: number;
  timeouts: number;
  mismatches: number;
}

/**
 * A steady-state window inside one load round: `probe` read one second after the start and one
 * second before the end, and the 2xx responses completed in between. Per-request costs come from
 * here, so the requests still in flight when the round ends do not count against it.
 */
export interface LoadWindow<P> {
  before: P;
  after: P;
  completed: number;
  seconds: number;
}

/**
 * Runs autocannon against one target. Latency percentiles come from every 2xx response's own
 * timing (autocannon's histogram keeps whole milliseconds, too coarse for sub-millisecond
 * differences).
 */
export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult>;
export async function runLoad<P>(
  target: LoadTarget,
  options: LoadOptions & { probe: () => P | Promise<P> },
): Promise<LoadResult & { window: LoadWindow<P> }>;
export async function runLoad<P>(
  target: LoadTarget,
  options: LoadOptions & { probe?: () => P | Promise<P> },
): Promise<LoadResult & { window?: LoadWindow<P> }> {
  const latencies: number[] = [];
  let answered = 0;
  let finish: (err: unknown, result: autocannon.Result) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (err, result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result));
  });
  const instance = autocannon(
    {
      url: target.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body: target.body,
      connections: options.connections,
      duration: options.seconds,
      expectBody: target.expectBody,
      timeout: options.timeoutSeconds ?? 10,
    },
    (err, result) => finish(err, result),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) {
      latencies.push(responseTime);
      answered += 1;
    }
  });
  const window = options.probe ? measureWindow(options.probe, options.seconds, () => answered) : undefined;
  // a failing probe is reported after the round, not as an unhandled rejection during it
  window?.catch(() => undefined);
  const result = await done;
  const sorted = Float64Array.from(latencies).sort();
  const windowResult = window ? await window : undefined;
  const completed = result['2xx'];
  return {
    completed,
    seconds: result.duration,
    rps: completed / result.duration,
    p50: quantileOfSorted(sorted, 0.5),
    p95: quantileOfSorted(sorted, 0.95),
    p99: quantileOfSorted(sorted, 0.99),
    non2xx: result.non2xx,
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    window: windowResult,
  };
}

async function measureWindow<P>(
  probe: () => P | Promise<P>,
  seconds: number,
  answered: () => number,
): Promise<LoadWindow<P>> {
  const margin = seconds >= 4 ? 1 : 0;
  const start = performance.now();
  const at = async (second: number) => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + second * 1000 - performance.now())));
    const began = performance.now();
    const countBefore = answered();
    const value = await probe();
    // an asynchronous probe (IPC) answers a little later; take the count and time halfway through
    return { value, count: (countBefore + answered()) / 2, time: (began + performance.now()) / 2 };
  };
  const first = await at(margin);
  const last = await at(seconds - margin - 0.05);
  return {
    before: first.value,
    after: last.value,
    completed: last.count - first.count,
    seconds: (last.time - first.time) / 1000,
  };
}

/** POSTs a GraphQL body and returns the status and the response text. */
export async function postGraphQL(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/** Fails unless a GraphQL response is HTTP 200 with data and without errors; returns the text. */
export async function expectGraphQLData(
  name: string,
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const { status, text } = await postGraphQL(url, body, headers);
  const parsed = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
  if (status !== 200 || !parsed.data || parsed.errors?.length) {
    throw new Error(`${name} did not answer the benchmark query (HTTP ${status}): ${text.slice(0, 500)}`);
  }
  return text;
}

/** `0`, or the failed requests of some rounds by kind, e.g. `80 (80 timeouts)`. */
export function describeFailures(results: LoadResult[]): string {
  const sum = (f: (r: LoadResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const kinds = [
    [sum((r) => r.non2xx), 'non-2xx'],
    [sum((r) => r.errors), 'connection errors'],
    [sum((r) => r.timeouts), 'timeouts'],
    [sum((r) => r.mismatches), 'other bodies'],
  ] as const;
  const total = kinds.reduce((n, [count]) => n + count, 0);
  if (total === 0) return '0';
  return `${total} (${kinds
    .filter(([count]) => count > 0)
    .map(([count, kind]) => `${count} ${kind}`)
    .join(', ')})`;
}
