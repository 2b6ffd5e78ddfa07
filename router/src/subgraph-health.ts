import { request } from 'undici';
import type { SubgraphEndpoint } from './supergraph.js';

export interface SubgraphHealth {
  name: string;
  url: string;
  healthy: boolean;
  latencyMs: number;
  error: string | null;
}

export interface RouterReadiness {
  ready: boolean;
  subgraphs: SubgraphHealth[];
}

/** Asks every subgraph's /readyz (derived from its routing URL) in parallel. */
export async function checkSubgraphs(subgraphs: SubgraphEndpoint[], timeoutMs = 2000): Promise<RouterReadiness> {
  const results = await Promise.all(
    subgraphs.map(async ({ name, url }): Promise<SubgraphHealth> => {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      try {
        const readyUrl = new URL('/readyz', url);
        const response = await request(readyUrl, { method: 'GET', headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
        const body = (await response.body.json().catch(() => ({}))) as { checks?: Record<string, { ok: boolean; error?: string }> };
        if (response.statusCode === 200) return { name, url, healthy: true, latencyMs: elapsed(), error: null };
        const failing = Object.entries(body.checks ?? {})
          .filter(([, c]) => !c.ok)
          .map(([check, c]) => `${check}: ${c.error ?? 'failing'}`);
        return { name, url, healthy: false, latencyMs: elapsed(), error: failing.join('; ') || `HTTP ${response.statusCode}` };
      } catch (err) {
        const e = err as { code?: string; message?: string };
        return { name, url, healthy: false, latencyMs: elapsed(), error: `unreachable (${e.code ?? e.message ?? 'error'})` };
      }
    }),
  );
  return { ready: results.every((r) => r.healthy), subgraphs: results };
}
