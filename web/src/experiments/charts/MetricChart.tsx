import { useMemo, type ReactNode } from 'react';
import type uPlot from 'uplot';
import { formatMetric } from '../format';
import { alignSeries, type ChartSeries } from './align';
import { UPlotChart } from './UPlotChart';

const HEIGHT_PX = 220;
// With more series than this the legend would bury the chart; the page names the colours instead.
const MAX_LEGEND_SERIES = 12;

/**
 * A metric's series against the step, one line per series (a run's history, or one run each
 * when comparing), drawn by uPlot on a canvas. Drag across it to zoom; double-click to reset.
 */
export function MetricChart({
  metricKey,
  series,
  caption,
}: {
  metricKey: string;
  series: readonly ChartSeries[];
  /** What the figure caption says after the key (latest value, points). */
  caption?: ReactNode;
}) {
  const signature = series.map((line) => `${line.label}\u0000${line.color}`).join('\u0001');
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      scales: { x: { time: false } },
      legend: { show: series.length <= MAX_LEGEND_SERIES },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: 'step', value: (_plot, value) => (value === null ? '—' : String(value)) },
        ...series.map((line) => ({
          label: line.label,
          stroke: line.color,
          width: 1.5,
          spanGaps: true,
          value: (_plot: uPlot, value: number | null) => formatMetric(value),
        })),
      ],
      axes: [{ label: 'step' }, { size: 64, values: (_plot, splits) => splits.map((value) => formatMetric(value)) }],
    }),
    // The lines' labels and colours decide the chart's make-up; their points are data.
    [signature],
  );
  const data = useMemo(() => alignSeries(series), [series]);

  return (
    <figure className="metric-chart" aria-label={`Chart of ${metricKey}`}>
      <figcaption>
        <strong>{metricKey}</strong>
        {caption && <span className="hint"> {caption}</span>}
      </figcaption>
      <UPlotChart options={options} data={data} height={HEIGHT_PX} />
    </figure>
  );
}
