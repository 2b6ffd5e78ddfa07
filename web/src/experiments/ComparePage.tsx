import { useQuery } from 'urql';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { ShellLink } from '../shell/navigation';
import { CompareCharts } from './CompareCharts';
import { COMPARE_RUNS } from './operations';
import { comparedRunIds, experimentPath, EXPERIMENTS_PATH } from './paths';
import { ParamMetricScatter } from './ParamMetricScatter';
import { MetricsCompareTable, ParamsDiffTable } from './ParamsDiffTable';

/**
 * Runs side by side (up to 100, from `?runs=`): overlaid metric charts, params with the
 * differing ones highlighted, latest metric values, and a param-against-metric scatter.
 */
export function ComparePage() {
  const runIds = comparedRunIds();
  const [result] = useQuery({ query: COMPARE_RUNS, variables: { runIds }, pause: runIds.length === 0 });
  const comparison = result.data?.compareRuns;
  const experiments = [...new Map((comparison?.runs ?? []).map((run) => [run.experiment.id, run.experiment])).values()];

  return (
    <section className="page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <ShellLink to={EXPERIMENTS_PATH}>Experiments</ShellLink> /{' '}
        {experiments.length === 1 && (
          <>
            <ShellLink to={experimentPath(experiments[0]!.id)}>{experiments[0]!.name}</ShellLink> /
          </>
        )}
      </p>
      <h2 id="page-title">Compare {comparison ? `${comparison.runs.length} runs` : 'runs'}</h2>
      {runIds.length === 0 && (
        <p className="notice">No runs to compare. Tick runs in an experiment&apos;s runs table, then press Compare.</p>
      )}
      {result.error && <ErrorAlert error={result.error} />}
      {result.fetching && !result.data && <p className="progress">Loading the runs…</p>}
      {comparison && (
        <>
          <CompareCharts comparison={comparison} />
          <ParamsDiffTable comparison={comparison} />
          <MetricsCompareTable comparison={comparison} />
          <section aria-labelledby="compare-scatter-title">
            <h3 id="compare-scatter-title">Param against metric</h3>
            <ParamMetricScatter comparison={comparison} />
          </section>
        </>
      )}
    </section>
  );
}
