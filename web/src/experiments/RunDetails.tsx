import { ShellLink } from '../shell/navigation';
import { formatMetric } from './format';
import type { KeyValue, MetricSummary } from './operations';

/** Tags MLflow and its clients set themselves (run name, source, user): shown apart from the user's own. */
export function isSystemTag(tag: KeyValue): boolean {
  return tag.key.startsWith('mlflow.');
}

/** Key/value pairs (params, tags) as a two-column table. */
export function KeyValueTable({
  label,
  entries,
  empty,
}: {
  label: string;
  entries: readonly KeyValue[];
  empty: string;
}) {
  if (entries.length === 0) return <p>{empty}</p>;
  const sorted = [...entries].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <table className="data-table key-value-table" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((entry) => (
          <tr key={entry.key}>
            <th scope="row">{entry.key}</th>
            <td className="key-value">{entry.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The latest value of each metric with its extent and how many points were logged. */
export function MetricsTable({ metrics }: { metrics: readonly MetricSummary[] }) {
  if (metrics.length === 0) return null;
  const sorted = [...metrics].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <table className="data-table" aria-label="Metrics">
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Latest</th>
          <th scope="col">Step</th>
          <th scope="col">Min</th>
          <th scope="col">Max</th>
          <th scope="col">Points</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((metric) => (
          <tr key={metric.key}>
            <th scope="row">{metric.key}</th>
            <td className="numeric">{metric.value === null ? (metric.text ?? '—') : formatMetric(metric.value)}</td>
            <td className="numeric">{metric.step}</td>
            <td className="numeric">{formatMetric(metric.min)}</td>
            <td className="numeric">{formatMetric(metric.max)}</td>
            <td className="numeric">{metric.count.toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A link to another run of the platform, by its name when known. */
export function RunLink({ id, name, to }: { id: string; name?: string | null; to: string }) {
  return (
    <ShellLink to={to} title={id}>
      {name || id.slice(0, 8)}
    </ShellLink>
  );
}
