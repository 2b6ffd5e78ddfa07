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

/** Raised when the platform cannot be reached at all; the message says what to do. */
export class UnreachableError extends Error {}

/** Asks the router's /readyz for the health of every service. */
export async function fetchStatus(baseUrl: string, timeoutMs = 5000): Promise<PlatformStatus> {
  const url = new URL('/readyz', baseUrl);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new UnreachableError(
      `Cannot reach AITIP at ${baseUrl} (${cause}). Is it running? Start it with \`npm start\`, ` +
        'or point the CLI at it with --url <url> or AITIP_URL.',
    );
  }
  const body = (await response.json().catch(() => undefined)) as PlatformStatus | undefined;
  if (!body || !Array.isArray(body.subgraphs)) {
    throw new UnreachableError(`${url} did not answer like an AITIP router (HTTP ${response.status}).`);
  }
  return body;
}

/** Renders the status as an aligned text table. */
export function formatStatusTable(status: PlatformStatus): string {
  const rows = [
    ['SERVICE', 'STATUS', 'LATENCY', 'DETAIL'],
    ...status.subgraphs.map((s) => [s.name, s.healthy ? 'healthy' : 'UNHEALTHY', `${s.latencyMs} ms`, s.error ?? '']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const healthy = status.subgraphs.filter((s) => s.healthy).length;
  lines.push('', `${healthy} of ${status.subgraphs.length} subgraphs healthy`);
  return lines.join('\n') + '\n';
}
