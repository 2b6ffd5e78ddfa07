import { READINESS_PATH } from '../endpoints';

/** Health of one subgraph as the router last probed it. */
export interface SubgraphHealth {
  name: string;
  url: string;
  healthy: boolean;
  latencyMs: number | null;
  error: string | null;
}

/** The router's answer to GET /readyz (HTTP 200 when every subgraph is healthy, 503 otherwise). */
export interface ReadinessReport {
  ready: boolean;
  subgraphs: SubgraphHealth[];
}

/** The router could not be reached, or answered with something that is not a readiness report. */
export class RouterUnreachableError extends Error {
  override name = 'RouterUnreachableError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function parseSubgraphHealth(value: unknown): SubgraphHealth | null {
  if (!isRecord(value) || typeof value.name !== 'string' || typeof value.healthy !== 'boolean') {
    return null;
  }
  return {
    name: value.name,
    url: typeof value.url === 'string' ? value.url : '',
    healthy: value.healthy,
    latencyMs: typeof value.latencyMs === 'number' ? value.latencyMs : null,
    error: typeof value.error === 'string' && value.error !== '' ? value.error : null,
  };
}

/** Checks that a decoded body has the shape of a readiness report; null when it does not. */
export function parseReadinessReport(body: unknown): ReadinessReport | null {
  if (!isRecord(body) || typeof body.ready !== 'boolean' || !Array.isArray(body.subgraphs)) {
    return null;
  }
  const subgraphs = body.subgraphs.map(parseSubgraphHealth);
  if (subgraphs.some((subgraph) => subgraph === null)) return null;
  return { ready: body.ready, subgraphs: subgraphs as SubgraphHealth[] };
}

/** Fetches the router's readiness report; throws RouterUnreachableError when there is none. */
export async function fetchReadinessReport(signal: AbortSignal): Promise<ReadinessReport> {
  let response: Response;
  try {
    response = await fetch(READINESS_PATH, {
      headers: { accept: 'application/json' },
      cache: 'no-store',
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new RouterUnreachableError('The request to the router failed (network error).');
  }
  // 503 is the router saying "not ready" and still carries the report.
  const body: unknown = await response.json().catch(() => undefined);
  const report = parseReadinessReport(body);
  if (!report) {
    throw new RouterUnreachableError(
      `${READINESS_PATH} answered HTTP ${response.status} without a readiness report; ` +
        'whatever answered is not the AITIP router, or the router is starting.',
    );
  }
  return report;
}
