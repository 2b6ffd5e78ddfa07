import type { SubgraphHealth } from './readiness';

function formatLatency(latencyMs: number | null): string {
  return latencyMs === null ? '—' : `${Math.round(latencyMs)} ms`;
}

/** One row per subgraph: name, health badge, probe latency and the probe's error. */
export function SubgraphHealthTable({ subgraphs, stale = false }: { subgraphs: SubgraphHealth[]; stale?: boolean }) {
  return (
    <table className={stale ? 'subgraph-table stale' : 'subgraph-table'}>
      <thead>
        <tr>
          <th scope="col">Subgraph</th>
          <th scope="col">Health</th>
          <th scope="col" className="numeric">
            Latency
          </th>
          <th scope="col">Error</th>
        </tr>
      </thead>
      <tbody>
        {subgraphs.map((subgraph) => (
          <tr key={subgraph.name} data-subgraph={subgraph.name}>
            <th scope="row">
              <span className="subgraph-name">{subgraph.name}</span>
              {subgraph.url && <span className="subgraph-url">{subgraph.url}</span>}
            </th>
            <td>
              <span className={subgraph.healthy ? 'badge badge-ok' : 'badge badge-bad'}>
                {subgraph.healthy ? 'healthy' : 'unhealthy'}
              </span>
            </td>
            <td className="numeric">{formatLatency(subgraph.latencyMs)}</td>
            <td className="subgraph-error">{subgraph.error ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
