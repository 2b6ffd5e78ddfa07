import { GraphQLEndpointCheck } from './GraphQLEndpointCheck';
import type { ReadinessReport } from './readiness';
import { SubgraphHealthTable } from './SubgraphHealthTable';
import { READINESS_REFRESH_MS, useReadiness } from './useReadiness';

function formatTime(date: Date): string {
  return date.toLocaleTimeString();
}

function HealthSummary({ report }: { report: ReadinessReport }) {
  const healthy = report.subgraphs.filter((subgraph) => subgraph.healthy).length;
  return (
    <p className="health-summary">
      <span className={report.ready ? 'badge badge-ok' : 'badge badge-bad'}>
        {report.ready ? 'ready' : 'not ready'}
      </span>{' '}
      <strong>
        {healthy} of {report.subgraphs.length} subgraphs healthy
      </strong>
    </p>
  );
}

/** Platform status: the router's /readyz report, refreshed every few seconds. */
export function StatusPage() {
  const readiness = useReadiness();
  const refreshSeconds = READINESS_REFRESH_MS / 1000;
  const checkedAt = readiness.phase === 'checking' ? null : readiness.checkedAt.getTime();

  return (
    <section className="page" aria-labelledby="page-title">
      <h2 id="page-title">Platform status</h2>

      {readiness.phase === 'checking' && (
        <p className="progress" role="status">
          Asking the router for the health of every subgraph…
        </p>
      )}

      {readiness.phase === 'unreachable' && (
        <>
          <div className="alert" role="alert">
            <strong>Cannot reach the AITIP router.</strong> {readiness.reason} Check that the router is running and
            reachable from this browser; retrying every {refreshSeconds} s (last attempt{' '}
            {formatTime(readiness.checkedAt)}).
          </div>
          {readiness.lastReport && (
            <>
              <h3>Last known status, from {formatTime(readiness.lastReport.checkedAt)}</h3>
              <HealthSummary report={readiness.lastReport.report} />
              <SubgraphHealthTable subgraphs={readiness.lastReport.report.subgraphs} stale />
            </>
          )}
        </>
      )}

      {readiness.phase === 'reported' && (
        <>
          <HealthSummary report={readiness.report} />
          <p className="checked-at">
            Checked at {formatTime(readiness.checkedAt)}; refreshes every {refreshSeconds} s.
          </p>
          <GraphQLEndpointCheck checkedAt={checkedAt} />
          <SubgraphHealthTable subgraphs={readiness.report.subgraphs} />
        </>
      )}
    </section>
  );
}
