import { useId, useMemo, useState } from 'react';
import type uPlot from 'uplot';
import { UPlotChart } from './charts/UPlotChart';
import { formatMetric, runLabel } from './format';
import type { RunComparison } from './operations';

const HEIGHT_PX = 280;
const POINT_COLOR = 'hsl(210, 60%, 35%)';

interface ScatterPoint {
  x: number;
  y: number;
  run: RunComparison['runs'][number];
  text: string;
}

/** Points of one param against one metric's latest value; categories (non-numeric params) on an evenly spaced axis. */
function scatterPoints(comparison: RunComparison, paramKey: string, metricKey: string) {
  const param = comparison.params.find((entry) => entry.key === paramKey);
  const metric = comparison.metrics.find((entry) => entry.key === metricKey);
  if (!param || !metric) return { points: [] as ScatterPoint[], categories: null };
  const present = param.values.filter((value): value is string => value !== null);
  const numeric = present.length > 0 && present.every((value) => value.trim() !== '' && Number.isFinite(Number(value)));
  const categories = numeric ? null : [...new Set(present)].sort((a, b) => a.localeCompare(b));
  const points: ScatterPoint[] = [];
  comparison.runs.forEach((run, index) => {
    const text = param.values[index];
    const y = metric.last[index];
    if (text === null || text === undefined || y === null || y === undefined || !Number.isFinite(y)) return;
    const x = categories ? categories.indexOf(text) : Number(text);
    points.push({ x, y, run, text });
  });
  points.sort((a, b) => a.x - b.x);
  return { points, categories };
}

/** A scatter of a chosen param (x) against a chosen metric's latest value (y), one point per run. */
export function ParamMetricScatter({ comparison }: { comparison: RunComparison }) {
  const id = useId();
  const paramKeys = comparison.params.map((param) => param.key);
  const metricKeys = comparison.metrics.map((metric) => metric.key);
  const [paramKey, setParamKey] = useState(
    () => comparison.params.find((param) => param.differs)?.key ?? paramKeys[0] ?? '',
  );
  const [metricKey, setMetricKey] = useState(metricKeys[0] ?? '');
  const { points, categories } = useMemo(
    () => scatterPoints(comparison, paramKey, metricKey),
    [comparison, paramKey, metricKey],
  );

  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      scales: {
        x: categories ? { time: false, range: () => [-0.5, Math.max(categories.length - 0.5, 0.5)] } : { time: false },
      },
      cursor: { drag: { x: false, y: false } },
      series: [
        {
          label: paramKey,
          value: (_plot, _value, _series, index) => {
            const point = index === null ? undefined : points[index];
            return point ? `${point.text} (${runLabel(point.run)})` : '—';
          },
        },
        {
          label: metricKey,
          stroke: POINT_COLOR,
          fill: POINT_COLOR,
          // Points only: no line between runs.
          paths: () => null,
          points: { show: true, size: 9, width: 1, fill: POINT_COLOR, stroke: '#fff' },
          value: (_plot, value) => formatMetric(value),
        },
      ],
      axes: [
        categories
          ? {
              label: paramKey,
              splits: () => categories.map((_, index) => index),
              values: (_plot, splits) => splits.map((split) => categories[split] ?? ''),
            }
          : { label: paramKey },
        { label: metricKey, size: 70, values: (_plot, splits) => splits.map((value) => formatMetric(value)) },
      ],
    }),
    [categories, paramKey, metricKey, points],
  );
  const data = useMemo<uPlot.AlignedData>(
    () => [points.map((point) => point.x), points.map((point) => point.y)],
    [points],
  );

  if (paramKeys.length === 0 || metricKeys.length === 0) {
    return <p>A scatter needs runs with at least one param and one metric.</p>;
  }
  return (
    <figure className="metric-chart scatter-chart" aria-label={`Scatter of ${paramKey} against ${metricKey}`}>
      <figcaption className="filters">
        <div className="field">
          <label htmlFor={`${id}-param`}>Param (x)</label>
          <select id={`${id}-param`} value={paramKey} onChange={(event) => setParamKey(event.target.value)}>
            {paramKeys.map((key) => (
              <option key={key}>{key}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-metric`}>Metric (y, latest value)</label>
          <select id={`${id}-metric`} value={metricKey} onChange={(event) => setMetricKey(event.target.value)}>
            {metricKeys.map((key) => (
              <option key={key}>{key}</option>
            ))}
          </select>
        </div>
        <span className="hint">
          {points.length} of {comparison.runs.length} runs have both
        </span>
      </figcaption>
      <UPlotChart options={options} data={data} height={HEIGHT_PX} />
    </figure>
  );
}
