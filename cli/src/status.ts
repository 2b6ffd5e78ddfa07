import { UnreachableError, unreachableError } from './errors.js';
import { formatTable } from './table.js';

/** One subgraph's health as the router's /readyz reports it. */
export interface SubgraphHealth {
  name: string;
  url: string;
  healthy: boolean;
  latencyMs: number;
  error: string | null;
}

export interface PlatformStatus {
  ready: boolean;
  subgraphs: SubgraphHealth[];
}

export { UnreachableError };

/** Asks the router's /readyz for the health of every service. */
export async function fetchStatus(baseUrl: string, timeoutMs = 5000): Promise<PlatformStatus> {
  const url = new URL('/readyz', baseUrl);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw unreachableError(baseUrl, err);
  }
  const body = (await response.json().catch(() => undefined)) as PlatformStatus | undefined;
  if (!body || !Array.isArray(body.subgraphs)) {
    throw new UnreachableError(`${url} did not answer like an AITIP router (HTTP ${response.status}).`);
  }
  return body;
}

/** Renders the status as an aligned text table. */
export function formatStatusTable(status: PlatformStatus): string {
  const table = formatTable([
    ['SERVICE', 'STATUS', 'LATENCY', 'DETAIL'],
    ...status.subgraphs.map((s) => [s.name, s.healthy ? 'healthy' : 'UNHEALTHY', `${s.latencyMs} ms`, s.error ?? '']),
  ]);
  const healthy = status.subgraphs.filter((s) => s.healthy).length;
  return `${table}\n${healthy} of ${status.subgraphs.length} subgraphs healthy\n`;
}
