import { formatDuration, formatTime, plural } from '../datasets/format.js';
import { formatTable } from '../table.js';
import type { KeyValue, MetricSummary, RunComparison, RunDetail, RunSummary } from './api.js';

/** A metric value for people: six significant digits; NaN and ±Infinity spelled out. */
export function formatMetric(value: number | null | undefined, text?: string | null): string {
  if (value === null || value === undefined) return text ?? '-';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** How long a run took (or has been running). */
export function runDuration(run: Pick<RunSummary, 'startTime' | 'endTime' | 'status'>, now = Date.now()): string {
  if (!run.startTime) return '-';
  const end = run.endTime ? Date.parse(run.endTime) : run.status === 'RUNNING' ? now : NaN;
  const seconds = (end - Date.parse(run.startTime)) / 1000;
  return Number.isFinite(seconds) ? formatDuration(seconds) : '-';
}

/** A run's display name: its name, or its id when it has none. */
export function runLabel(run: Pick<RunSummary, 'id' | 'name'>): string {
  return run.name ?? run.id.slice(0, 8);
}

/** A column of `runs list`: `metrics.<key>`, `params.<key>` or `tags.<key>`. */
export interface RunColumn {
  kind: 'metrics' | 'params' | 'tags';
  key: string;
}

/** Parses `--column metrics.rmse`; null when it names none of metrics, params, tags. */
export function parseColumn(text: string): RunColumn | null {
  const match = /^(metrics?|params?|tags?)\.(.+)$/.exec(text);
  if (!match) return null;
  const kind = match[1]!.startsWith('metric') ? 'metrics' : match[1]!.startsWith('param') ? 'params' : 'tags';
  return { kind, key: match[2]!.replace(/^`(.*)`$/, '$1') };
}

/**
 * The default extra columns: the metrics an order_by names first, then the others the runs logged,
 * alphabetically, up to `max`.
 */
export function defaultColumns(runs: RunSummary[], orderBy: string[], max = 4): RunColumn[] {
  const ordered = orderBy
    .map((entry) => parseColumn(entry.replace(/\s+(asc|desc)$/i, '').trim()))
    .filter((c) => c !== null);
  const logged = [...new Set(runs.flatMap((r) => r.metrics.map((m) => m.key)))].sort();
  const columns: RunColumn[] = ordered.filter((c) => c.kind !== 'metrics' || logged.includes(c.key));
  for (const key of logged) {
    if (!columns.some((c) => c.kind === 'metrics' && c.key === key)) columns.push({ kind: 'metrics', key });
  }
  return columns.slice(0, Math.max(max, ordered.length));
}

function cell(run: RunSummary, column: RunColumn): string {
  if (column.kind === 'metrics') {
    const metric = run.metrics.find((m) => m.key === column.key);
    return metric ? formatMetric(metric.value, metric.text) : '-';
  }
  const list = column.kind === 'params' ? run.params : run.tags;
  return list.find((p) => p.key === column.key)?.value ?? '-';
}

/** The `runs list` table: id, name, status, start, duration, then the chosen columns. */
export function runsTable(runs: RunSummary[], columns: RunColumn[], now = Date.now()): string {
  return formatTable([
    ['ID', 'NAME', 'STATUS', 'STARTED', 'DURATION', ...columns.map((c) => `${c.kind}.${c.key}`)],
    ...runs.map((run) => [
      run.id,
      run.name ?? '-',
      run.status,
      formatTime(run.startTime) || '-',
      runDuration(run, now),
      ...columns.map((c) => cell(run, c)),
    ]),
  ]);
}

function section(title: string, rows: string[][], empty: string): string {
  return `\n${title}\n` + (rows.length > 1 ? formatTable(rows) : `  ${empty}\n`);
}

/** `runs show`: the run's attributes, then its params, tags, latest metrics and inputs. */
export function renderRun(run: RunDetail, showSystemTags: boolean, now = Date.now()): string {
  const fields: Array<[string, string]> = [
    ['Run', run.id],
    ['Name', run.name ?? '-'],
    ['Experiment', `${run.experiment.name} (${run.experiment.id})`],
    ['Status', run.status + (run.deleted ? ' (deleted)' : '')],
    ['Started', formatTime(run.startTime) || '-'],
    ['Ended', formatTime(run.endTime) || '-'],
    ['Duration', runDuration(run, now)],
    ...(run.userId ? [['User', run.userId] as [string, string]] : []),
    ...(run.parentRunId ? [['Parent run', run.parentRunId] as [string, string]] : []),
    ...(run.sourceJobId ? [['Training job', run.sourceJobId] as [string, string]] : []),
    ['Artifacts', run.artifactUri],
  ];
  const tags = showSystemTags ? run.tags : run.tags.filter((t) => !t.key.startsWith('mlflow.'));
  const hidden = run.tags.length - tags.length;
  const width = Math.max(...fields.map(([k]) => k.length));
  let text = fields.map(([k, v]) => `${k.padEnd(width)}  ${v}\n`).join('');
  text += section('Params', [['KEY', 'VALUE'], ...keyValues(run.params)], 'none logged');
  text += section(
    `Tags${hidden > 0 ? ` (${plural(hidden, 'mlflow.* system tag')} hidden; --system-tags shows them)` : ''}`,
    [['KEY', 'VALUE'], ...keyValues(tags)],
    'none',
  );
  text += section('Metrics', metricRows(run.metrics), 'none logged');
  if (run.inputs.length > 0) {
    text += section(
      'Inputs',
      [['DATASET', 'DIGEST', 'SOURCE'], ...run.inputs.map((i) => [i.name, i.digest, `${i.sourceType}: ${i.source}`])],
      'none',
    );
  }
  return text;
}

function keyValues(list: KeyValue[]): string[][] {
  return list.map((p) => [p.key, p.value]);
}

function metricRows(metrics: MetricSummary[]): string[][] {
  return [
    ['KEY', 'LATEST', 'STEP', 'MIN', 'MAX', 'POINTS'],
    ...metrics.map((m) => [
      m.key,
      formatMetric(m.value, m.text),
      String(m.step),
      formatMetric(m.min),
      formatMetric(m.max),
      String(m.count),
    ]),
  ];
}

/**
 * `runs compare`: a header naming each run, the params with `*` marking those that differ, and
 * each metric's latest value (or min/max) side by side.
 */
export function renderComparison(
  comparison: RunComparison,
  options: { onlyDifferent: boolean; stat: 'last' | 'min' | 'max' },
): string {
  const labels = comparison.runs.map((run, i) => `[${i + 1}] ${runLabel(run)}`);
  let text = formatTable([
    ['', 'RUN', 'NAME', 'STATUS'],
    ...comparison.runs.map((run, i) => [`[${i + 1}]`, run.id, run.name ?? '-', run.status]),
  ]);
  const params = comparison.params.filter((p) => p.differs || !options.onlyDifferent);
  const differing = comparison.params.filter((p) => p.differs).length;
  text += section(
    `Params (${differing} of ${comparison.params.length} differ, marked *)`,
    [['', 'KEY', ...labels], ...params.map((p) => [p.differs ? '*' : '', p.key, ...p.values.map((v) => v ?? '-')])],
    options.onlyDifferent && comparison.params.length > 0 ? 'all the same' : 'none logged',
  );
  text += section(
    `Metrics (${options.stat === 'last' ? 'latest value' : options.stat})`,
    [['KEY', ...labels], ...comparison.metrics.map((m) => [m.key, ...m[options.stat].map((v) => formatMetric(v))])],
    'none logged',
  );
  return text;
}
