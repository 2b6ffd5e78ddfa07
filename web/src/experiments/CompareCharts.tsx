import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { seriesColor, type ChartSeries } from './charts/align';
import { MetricChart } from './charts/MetricChart';
import { runLabel } from './format';
import { METRIC_HISTORIES, type RunComparison } from './operations';

// Metrics charted before the user picks.
const DEFAULT_CHARTED = 4;
// Points fetched for all runs of one chart together: per run, this divided by the runs, within bounds.
const POINTS_PER_CHART = 20_000;
const MIN_POINTS_PER_RUN = 200;
const MAX_POINTS_PER_RUN = 1_000;

/** Points per run so that a chart of many runs stays about as heavy as one of a few. */
export function pointsPerRun(runCount: number): number {
  return Math.max(
    MIN_POINTS_PER_RUN,
    Math.min(MAX_POINTS_PER_RUN, Math.floor(POINTS_PER_CHART / Math.max(runCount, 1))),
  );
}

/** One chart per chosen metric, a line per run in that run's colour, from `metricHistories`. */
export function CompareCharts({ comparison }: { comparison: RunComparison }) {
  const metricKeys = useMemo(() => comparison.metrics.map((metric) => metric.key), [comparison]);
  const [charted, setCharted] = useState(() => metricKeys.slice(0, DEFAULT_CHARTED));
  const runIds = useMemo(() => comparison.runs.map((run) => run.id), [comparison]);
  const [result] = useQuery({
    query: METRIC_HISTORIES,
    variables: { runIds, keys: charted, points: pointsPerRun(runIds.length) },
    pause: charted.length === 0,
  });

  const chartsByKey = useMemo(() => {
    const byKey = new Map<string, ChartSeries[]>();
    const histories = result.data?.metricHistories ?? [];
    for (const key of charted) {
      byKey.set(
        key,
        comparison.runs.flatMap((run, index) => {
          const history = histories.find((series) => series.runId === run.id && series.key === key);
          if (!history || history.points.length === 0) return [];
          return [
            {
              label: runLabel(run),
              color: seriesColor(index),
              xs: history.points.map((point) => point.step),
              ys: history.points.map((point) =>
                point.value !== null && Number.isFinite(point.value) ? point.value : null,
              ),
            },
          ];
        }),
      );
    }
    return byKey;
  }, [result.data, charted, comparison.runs]);

  function toggle(key: string) {
    setCharted((current) =>
      current.includes(key)
        ? current.filter((entry) => entry !== key)
        : metricKeys.filter((entry) => entry === key || current.includes(entry)),
    );
  }

  if (metricKeys.length === 0) return <p>None of these runs logged a metric.</p>;
  return (
    <section aria-labelledby="compare-charts-title">
      <h3 id="compare-charts-title">Metric charts</h3>
      <fieldset className="metric-picker">
        <legend>Metrics to chart</legend>
        {metricKeys.map((key) => (
          <label key={key}>
            <input type="checkbox" checked={charted.includes(key)} onChange={() => toggle(key)} /> {key}
          </label>
        ))}
      </fieldset>
      {result.error && <ErrorAlert error={result.error} />}
      {result.fetching && !result.data && <p className="progress">Loading metric histories…</p>}
      <div className="metric-charts">
        {result.data &&
          charted.map((key) => (
            <MetricChart
              key={key}
              metricKey={key}
              series={chartsByKey.get(key) ?? []}
              caption={`${(chartsByKey.get(key) ?? []).length} runs`}
            />
          ))}
      </div>
    </section>
  );
}
