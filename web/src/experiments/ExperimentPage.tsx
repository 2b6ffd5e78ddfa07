import { useCallback, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { navigate, ShellLink } from '../shell/navigation';
import { ColumnChooser } from './ColumnChooser';
import { formatTime } from './format';
import { EXPERIMENT, type ExperimentDetail } from './operations';
import { comparePath, EXPERIMENTS_PATH, MAX_COMPARED_RUNS } from './paths';
import { RunFilterBox } from './RunFilterBox';
import { RunsTable } from './RunsTable';
import {
  defaultColumns,
  loadChosenColumns,
  saveChosenColumns,
  type KeyedColumn,
  type KeyedColumnKind,
  type RunSort,
} from './run-columns';
import { LiveIndicator } from './LiveIndicator';
import { useRunSearch } from './useRunSearch';

function union(first: readonly string[], more: Iterable<string>): string[] {
  return [...new Set([...first, ...more])].sort((a, b) => a.localeCompare(b));
}

/** The runs section of an experiment's page: filter, columns, sort, the table and the compare action. */
function ExperimentRuns({ experiment }: { experiment: ExperimentDetail }) {
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<RunSort | null>(null);
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const [columns, setColumns] = useState<KeyedColumn[]>(
    () => loadChosenColumns(experiment.id) ?? defaultColumns(experiment.metricKeys, experiment.paramKeys),
  );
  const [selected, setSelected] = useState<string[]>([]);
  const search = useRunSearch({ experimentId: experiment.id, filter, sort, includeDeleted });

  // Keys of runs logged since the page loaded join those the experiment listed.
  const keys = useMemo<Record<KeyedColumnKind, string[]>>(
    () => ({
      metrics: union(
        experiment.metricKeys,
        search.runs.flatMap((run) => run.metrics.map((metric) => metric.key)),
      ),
      params: union(
        experiment.paramKeys,
        search.runs.flatMap((run) => run.params.map((param) => param.key)),
      ),
      tags: union(
        experiment.tagKeys,
        search.runs.flatMap((run) => run.tags.map((tag) => tag.key)),
      ).filter((key) => !key.startsWith('mlflow.')),
    }),
    [experiment, search.runs],
  );

  const chooseColumns = useCallback(
    (next: KeyedColumn[]) => {
      setColumns(next);
      saveChosenColumns(experiment.id, next);
    },
    [experiment.id],
  );
  const toggle = useCallback((runId: string) => {
    setSelected((current) =>
      current.includes(runId) ? current.filter((id) => id !== runId) : [...current, runId].slice(0, MAX_COMPARED_RUNS),
    );
  }, []);
  const selectedSet = useMemo(() => new Set(selected), [selected]);

  const empty = search.error
    ? 'No runs: the filter has a problem (see above).'
    : search.loading
      ? 'Loading runs…'
      : filter
        ? 'No runs match this filter.'
        : 'No runs yet. Log one with MLflow (MLFLOW_TRACKING_URI pointing at this platform) or the API.';

  return (
    <>
      <RunFilterBox applied={filter} error={search.error} onApply={setFilter} />
      <div className="runs-toolbar">
        <ColumnChooser keys={keys} chosen={columns} onChange={chooseColumns} />
        <label>
          <input
            type="checkbox"
            checked={includeDeleted}
            onChange={(event) => setIncludeDeleted(event.target.checked)}
          />{' '}
          Show deleted runs
        </label>
        <button type="button" disabled={selected.length < 2} onClick={() => navigate(comparePath(selected))}>
          Compare {selected.length > 0 ? `${selected.length} runs` : 'runs'}
        </button>
        {selected.length > 0 && (
          <button type="button" onClick={() => setSelected([])}>
            Clear selection
          </button>
        )}
        <span className="runs-count" role="status" aria-label="Runs loaded">
          {search.error
            ? ''
            : `${search.runs.length.toLocaleString()} ${search.complete ? 'runs' : 'runs loaded, more on scroll'}`}
          {search.loading && search.runs.length > 0 ? ' · loading…' : ''}
        </span>
        <LiveIndicator state={search.live} />
      </div>
      {selected.length >= MAX_COMPARED_RUNS && (
        <p className="hint">At most {MAX_COMPARED_RUNS} runs can be compared at once.</p>
      )}
      <RunsTable
        runs={search.runs}
        columns={columns}
        sort={sort}
        onSort={setSort}
        selected={selectedSet}
        canSelectMore={selected.length < MAX_COMPARED_RUNS}
        onToggle={toggle}
        loading={search.loading}
        complete={search.complete}
        onNearEnd={search.loadMore}
        empty={empty}
        scrollResetKey={JSON.stringify([filter, sort, includeDeleted])}
      />
    </>
  );
}

/** An experiment: what it is, and its runs in a table that filters, sorts and selects for comparison. */
export function ExperimentPage({ experimentId }: { experimentId: string }) {
  const [result] = useQuery({ query: EXPERIMENT, variables: { id: experimentId }, requestPolicy: 'cache-and-network' });
  const experiment = result.data?.experiment;

  return (
    <section className="page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <ShellLink to={EXPERIMENTS_PATH}>Experiments</ShellLink> /
      </p>
      <h2 id="page-title">{experiment?.name ?? 'Experiment'}</h2>
      {result.error && !result.data && <ErrorAlert error={result.error} />}
      {!result.data && !result.error && <p className="progress">Loading the experiment…</p>}
      {result.data && !experiment && (
        <p className="notice">
          There is no experiment <code>{experimentId}</code> in this organization. Pick one from the{' '}
          <ShellLink to={EXPERIMENTS_PATH}>list</ShellLink>.
        </p>
      )}
      {experiment && (
        <>
          <dl className="dataset-summary">
            {experiment.archived && (
              <>
                <dt>State</dt>
                <dd>
                  <span className="badge badge-bad">archived</span>
                </dd>
              </>
            )}
            <dt>Description</dt>
            <dd>{experiment.description || '—'}</dd>
            <dt>Tags</dt>
            <dd>
              {experiment.tags.filter((tag) => !tag.key.startsWith('mlflow.')).length === 0
                ? '—'
                : experiment.tags
                    .filter((tag) => !tag.key.startsWith('mlflow.'))
                    .map((tag) => (
                      <span key={tag.key} className="dataset-tag">
                        {tag.key}: {tag.value}
                      </span>
                    ))}
            </dd>
            <dt>Runs</dt>
            <dd>{experiment.runCount.toLocaleString()}</dd>
            <dt>Updated</dt>
            <dd>{formatTime(experiment.updatedAt)}</dd>
            <dt>Experiment id</dt>
            <dd>
              <code>{experiment.id}</code>
            </dd>
          </dl>
          <h3>Runs</h3>
          <ExperimentRuns key={experiment.id} experiment={experiment} />
        </>
      )}
    </section>
  );
}
