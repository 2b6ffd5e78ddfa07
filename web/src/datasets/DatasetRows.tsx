import type { ReactNode } from 'react';
import { useQuery } from 'urql';
import { describeApiError } from '../graphql/errors';
import { ShellLink } from '../shell/navigation';
import { formatTime } from './format';
import { DATASETS, DATASETS_PAGE_SIZE, type DatasetFilter } from './operations';
import { datasetPath } from './paths';
import { StatusBadge } from './StatusBadge';

const COLUMNS = 6;

function Message({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <tbody>
      <tr>
        <td colSpan={COLUMNS} className={className}>
          {children}
        </td>
      </tr>
    </tbody>
  );
}

/** One page of the datasets list as a <tbody>; "Load more" adds the next one below it. */
export function DatasetRows({
  filter,
  after,
  isLastPage,
  onLoadMore,
}: {
  filter: DatasetFilter;
  after: string | null;
  isLastPage: boolean;
  onLoadMore: (cursor: string) => void;
}) {
  const [result] = useQuery({
    query: DATASETS,
    variables: { filter, page: { first: DATASETS_PAGE_SIZE, after } },
    requestPolicy: 'cache-and-network',
  });

  if (result.error && !result.data) {
    return (
      <Message>
        <div className="alert" role="alert">
          {describeApiError(result.error)}
        </div>
      </Message>
    );
  }
  if (!result.data) return <Message className="progress">Loading datasets…</Message>;

  const { items, nextCursor } = result.data.datasets;
  return (
    <tbody>
      {items.length === 0 && after === null && (
        <tr>
          <td colSpan={COLUMNS}>No datasets match these filters.</td>
        </tr>
      )}
      {items.map((dataset) => (
        <tr key={dataset.id}>
          <th scope="row">
            <ShellLink to={datasetPath(dataset.id)}>{dataset.name}</ShellLink>
            {dataset.tags.length > 0 && (
              <span className="dataset-tags">
                {dataset.tags.map((tag) => (
                  <span key={tag} className="dataset-tag">
                    {tag}
                  </span>
                ))}
              </span>
            )}
          </th>
          <td>
            <StatusBadge status={dataset.deletedAt ? 'DELETED' : dataset.status} />
          </td>
          <td>{dataset.format ?? '—'}</td>
          <td className="numeric">{dataset.versionCount}</td>
          <td>{formatTime(dataset.updatedAt)}</td>
          <td>{dataset.description ?? ''}</td>
        </tr>
      ))}
      {isLastPage && nextCursor && (
        <tr>
          <td colSpan={COLUMNS}>
            <button type="button" onClick={() => onLoadMore(nextCursor)}>
              Load more
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}
