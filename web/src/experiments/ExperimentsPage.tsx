import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { Field } from '../shell/Field';
import { ShellLink } from '../shell/navigation';
import { PagedRows } from '../shell/PagedRows';
import { formatTime } from './format';
import { EXPERIMENTS, EXPERIMENTS_PAGE_SIZE } from './operations';
import { experimentPath } from './paths';

const COLUMNS = 4;
// Most recently active first: the experiments someone is working on now.
const ORDER_BY = ['last_update_time DESC'];

interface ListQuery {
  filter: string;
  includeArchived: boolean;
}

/** One page of the experiments list as a <tbody>; "Load more" adds the next one below it. */
function ExperimentRows({
  query,
  after,
  isLastPage,
  onLoadMore,
}: {
  query: ListQuery;
  after: string | null;
  isLastPage: boolean;
  onLoadMore: (cursor: string) => void;
}) {
  const [result] = useQuery({
    query: EXPERIMENTS,
    variables: {
      filter: query.filter || null,
      orderBy: ORDER_BY,
      includeArchived: query.includeArchived,
      first: EXPERIMENTS_PAGE_SIZE,
      after,
    },
    requestPolicy: 'cache-and-network',
  });

  return (
    <PagedRows
      columns={COLUMNS}
      error={result.error && !result.data ? result.error : undefined}
      loading="Loading experiments…"
      items={result.data?.experiments.items}
      nextCursor={result.data?.experiments.nextCursor}
      isFirstPage={after === null}
      isLastPage={isLastPage}
      empty={
        query.filter
          ? 'No experiments match this filter.'
          : 'No experiments yet. Point MLFLOW_TRACKING_URI at this platform and log a run: its experiment appears here.'
      }
      onLoadMore={onLoadMore}
      row={(experiment) => (
        <tr key={experiment.id} className={experiment.archived ? 'revoked' : undefined}>
          <th scope="row">
            <ShellLink to={experimentPath(experiment.id)}>{experiment.name}</ShellLink>
            {experiment.archived && <span className="badge badge-bad"> archived</span>}
            {experiment.description && <span className="experiment-description">{experiment.description}</span>}
          </th>
          <td className="numeric">{experiment.runCount.toLocaleString()}</td>
          <td>{formatTime(experiment.updatedAt)}</td>
          <td>
            {experiment.tags
              .filter((tag) => !tag.key.startsWith('mlflow.'))
              .map((tag) => (
                <span key={tag.key} className="dataset-tag">
                  {tag.key}: {tag.value}
                </span>
              ))}
          </td>
        </tr>
      )}
    />
  );
}

/** The organization's experiments, most recently updated first, with a filter and archived ones on request. */
export function ExperimentsPage() {
  const [query, setQuery] = useState<ListQuery>({ filter: '', includeArchived: false });
  const [filterText, setFilterText] = useState('');
  const [includeArchived, setIncludeArchived] = useState(false);
  // One entry per loaded page: the cursor it starts after (null for the first).
  const [pageCursors, setPageCursors] = useState<(string | null)[]>([null]);
  const [generation, setGeneration] = useState(0);

  function restart(next: ListQuery) {
    setQuery(next);
    setPageCursors([null]);
    setGeneration((value) => value + 1);
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    restart({ filter: filterText.trim(), includeArchived });
  }

  return (
    <section className="page" aria-labelledby="page-title">
      <h2 id="page-title">Experiments</h2>
      <p>
        Experiments group training runs with their params, metrics and artifacts. MLflow clients log here unchanged: set{' '}
        <code>MLFLOW_TRACKING_URI</code> to this platform&apos;s address and <code>MLFLOW_TRACKING_TOKEN</code> to an
        API key with the <code>experiments:write</code> scope.
      </p>
      <form className="filters" onSubmit={submit} aria-label="Experiment filters">
        <Field
          label="Filter"
          value={filterText}
          placeholder="name LIKE 'mnist%'"
          spellCheck={false}
          onChange={(event) => setFilterText(event.target.value)}
        />
        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={includeArchived}
              onChange={(event) => {
                setIncludeArchived(event.target.checked);
                restart({ filter: filterText.trim(), includeArchived: event.target.checked });
              }}
            />{' '}
            Show archived
          </label>
        </div>
        <button type="submit">Apply</button>
      </form>
      <table className="data-table" aria-label="Experiments">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Runs</th>
            <th scope="col">Last update</th>
            <th scope="col">Tags</th>
          </tr>
        </thead>
        {pageCursors.map((after, index) => (
          <ExperimentRows
            key={`${generation}:${after ?? 'first'}`}
            query={query}
            after={after}
            isLastPage={index === pageCursors.length - 1}
            onLoadMore={(cursor) => setPageCursors((cursors) => [...cursors, cursor])}
          />
        ))}
      </table>
    </section>
  );
}
