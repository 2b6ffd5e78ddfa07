import { useQuery } from 'urql';
import { ShellLink } from '../shell/navigation';
import { PagedRows } from '../shell/PagedRows';
import { formatTime } from './format';
import { DATASETS, DATASETS_PAGE_SIZE, type DatasetFilter } from './operations';
import { datasetPath } from './paths';
import { StatusBadge } from './StatusBadge';

const COLUMNS = 6;

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

  return (
    <PagedRows
      columns={COLUMNS}
      error={result.error && !result.data ? result.error : undefined}
      loading="Loading datasets…"
      items={result.data?.datasets.items}
      nextCursor={result.data?.datasets.nextCursor}
      isFirstPage={after === null}
      isLastPage={isLastPage}
      empty="No datasets match these filters."
      onLoadMore={onLoadMore}
      row={(dataset) => (
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
      )}
    />
  );
}
