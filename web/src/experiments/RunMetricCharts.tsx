import { useMemo } from 'react';
import { seriesColor, type ChartSeries } from './charts/align';
import { MetricChart } from './charts/MetricChart';
import { formatMetric } from './format';
import type { LiveSeries } from './live-series';
import { LiveIndicator } from './LiveIndicator';
import { useRunMetricSeries } from './useRunMetricSeries';

/** A colour that stays with a metric's name, whatever other metrics appear. */
function keyColor(key: string): number {
  let hash = 0;
  for (const character of key) hash = (hash * 31 + character.charCodeAt(0)) % 9973;
  return hash;
}

function RunMetricChart({ series }: { series: LiveSeries }) {
  const lines = useMemo<ChartSeries[]>(
    () => [{ label: series.key, color: seriesColor(keyColor(series.key)), xs: series.xs, ys: series.ys }],
    [series],
  );
  const last = series.last;
  return (
    <MetricChart
      metricKey={series.key}
      series={lines}
      caption={
        <span className="metric-caption" data-points={series.total}>
          {last
            ? `last ${last.value === null ? (last.text ?? '—') : formatMetric(last.value)} at step ${last.step}`
            : 'no points'}{' '}
          · {series.total.toLocaleString()} {series.total === 1 ? 'point' : 'points'}
          {series.total > series.xs.length ? ` (${series.xs.length.toLocaleString()} drawn)` : ''}
        </span>
      }
    />
  );
}

/** One chart per metric of a run, from its downsampled history, growing as the run logs. */
export function RunMetricCharts({ runId }: { runId: string }) {
  const { series, loading, error, live } = useRunMetricSeries(runId);
  return (
    <section aria-labelledby="run-metrics-title">
      <h3 id="run-metrics-title">
        Metric charts <LiveIndicator state={live} />
      </h3>
      {error && (
        <div className="alert" role="alert">
          {error}
        </div>
      )}
      {loading && <p className="progress">Loading metric history…</p>}
      {!loading && !error && series.length === 0 && (
        <p>No metrics logged yet. Charts appear here as soon as the run logs one.</p>
      )}
      <div className="metric-charts">
        {series.map((line) => (
          <RunMetricChart key={line.key} series={line} />
        ))}
      </div>
    </section>
  );
}
