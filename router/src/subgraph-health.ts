import { request } from 'undici';
import { IDENTITY_HEADER, systemIdentity, type IdentitySigner } from '@aitip/kit';
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

interface ReadyzBody {
  checks?: Record<string, { ok: boolean; error?: string }>;
}

/**
 * Asks every subgraph in parallel. AITIP subgraphs answer `/readyz` with their dependency checks
 * (database, bus, queue, blob); any other federation subgraph is probed with `{ __typename }`.
 */
export async function checkSubgraphs(
  subgraphs: SubgraphEndpoint[],
  signer: IdentitySigner,
  timeoutMs = 2000,
): Promise<RouterReadiness> {
  const results = await Promise.all(
    subgraphs.map(async ({ name, url }): Promise<SubgraphHealth> => {
      const started = performance.now();
      const result = (healthy: boolean, error: string | null) => ({
        name,
        url,
        healthy,
        latencyMs: Math.round(performance.now() - started),
        error,
      });
      const timeouts = { headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
      try {
        const readyz = await request(new URL('/readyz', url), { method: 'GET', ...timeouts });
        const body = (await readyz.body.json().catch(() => undefined)) as ReadyzBody | undefined;
        if (body?.checks) {
          if (readyz.statusCode === 200) return result(true, null);
          const failing = Object.entries(body.checks)
            .filter(([, c]) => !c.ok)
            .map(([check, c]) => `${check}: ${c.error ?? 'failing'}`);
          return result(false, failing.join('; ') || `HTTP ${readyz.statusCode}`);
        }
        const probe = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: signer.sign(systemIdentity) },
          body: '{"query":"{ __typename }"}',
          ...timeouts,
        });
        const answer = (await probe.body.json().catch(() => undefined)) as
          { data?: { __typename?: string } } | undefined;
        return answer?.data?.__typename
          ? result(true, null)
          : result(false, `GraphQL probe answered HTTP ${probe.statusCode}`);
      } catch (err) {
        const e = err as { code?: string; message?: string };
        return result(false, `unreachable (${e.code ?? e.message ?? 'error'})`);
      }
    }),
  );
  return { ready: results.every((r) => r.healthy), subgraphs: results };
}
