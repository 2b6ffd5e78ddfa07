import { useState } from 'react';
import { ShellLink } from '../shell/navigation';
import { seriesColor } from './charts/align';
import { formatMetric, runLabel } from './format';
import type { RunComparison } from './operations';
import { runPath } from './paths';

/** The compared runs as column headers, each with its colour in the charts. */
function RunHeaders({ runs }: { runs: RunComparison['runs'] }) {
  return (
    <>
      {runs.map((run, index) => (
        <th key={run.id} scope="col" title={run.id}>
          <span className="run-swatch" style={{ background: seriesColor(index) }} aria-hidden="true" />
          <ShellLink to={runPath(run.id)}>{runLabel(run)}</ShellLink>
        </th>
      ))}
    </>
  );
}

/** Params side by side, one column per run; the rows whose values differ are highlighted. */
export function ParamsDiffTable({ comparison }: { comparison: RunComparison }) {
  const [onlyDiffering, setOnlyDiffering] = useState(false);
  const differing = comparison.params.filter((param) => param.differs).length;
  const rows = onlyDiffering ? comparison.params.filter((param) => param.differs) : comparison.params;
  return (
    <section aria-labelledby="compare-params-title">
      <h3 id="compare-params-title">Params</h3>
      <p>
        {differing === 0
          ? 'Every param has the same value in all runs.'
          : `${differing} of ${comparison.params.length} params differ between the runs (highlighted).`}{' '}
        <label>
          <input type="checkbox" checked={onlyDiffering} onChange={(event) => setOnlyDiffering(event.target.checked)} />{' '}
          Only differing params
        </label>
      </p>
      <div className="table-scroll">
        <table className="data-table compare-table" aria-label="Params of the compared runs">
          <thead>
            <tr>
              <th scope="col">Param</th>
              <RunHeaders runs={comparison.runs} />
            </tr>
          </thead>
          <tbody>
            {rows.map((param) => (
              <tr key={param.key} className={param.differs ? 'param-differs' : undefined}>
                <th scope="row">
                  <span>{param.key}</span>
                  {param.differs && <span className="badge badge-differs">differs</span>}
                </th>
                {param.values.map((value, index) => (
                  <td key={comparison.runs[index]?.id ?? index} className={value === null ? 'missing' : undefined}>
                    {value ?? '—'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Each metric's latest value per run, with the lowest and highest of each row marked. */
export function MetricsCompareTable({ comparison }: { comparison: RunComparison }) {
  if (comparison.metrics.length === 0) return null;
  return (
    <section aria-labelledby="compare-metrics-title">
      <h3 id="compare-metrics-title">Metrics (latest values)</h3>
      <div className="table-scroll">
        <table className="data-table compare-table" aria-label="Metrics of the compared runs">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <RunHeaders runs={comparison.runs} />
            </tr>
          </thead>
          <tbody>
            {comparison.metrics.map((metric) => {
              const values = metric.last.filter((value): value is number => value !== null);
              const lowest = values.length > 1 ? Math.min(...values) : null;
              const highest = values.length > 1 ? Math.max(...values) : null;
              return (
                <tr key={metric.key}>
                  <th scope="row">{metric.key}</th>
                  {metric.last.map((value, index) => (
                    <td
                      key={comparison.runs[index]?.id ?? index}
                      className={
                        value === null
                          ? 'missing numeric'
                          : value === lowest
                            ? 'numeric metric-lowest'
                            : value === highest
                              ? 'numeric metric-highest'
                              : 'numeric'
                      }
                      title={
                        value === null
                          ? undefined
                          : `${value === lowest ? 'lowest of the runs; ' : value === highest ? 'highest of the runs; ' : ''}series min ${formatMetric(metric.min[index])}, max ${formatMetric(metric.max[index])}`
                      }
                    >
                      {formatMetric(value)}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
