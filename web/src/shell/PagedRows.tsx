import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { describeApiError } from '../graphql/errors';

/** A whole-width row in a <tbody> of its own: an error, or the page still loading. */
function MessageRows({ columns, className, children }: { columns: number; className?: string; children: ReactNode }) {
  return (
    <tbody>
      <tr>
        <td colSpan={columns} className={className}>
          {children}
        </td>
      </tr>
    </tbody>
  );
}

/**
 * One page of a "Load more" list as a <tbody>: each "Load more" adds one more of these, so earlier
 * pages stay as they were while the next one loads. Shows `error` when given, a loading row until
 * `items` arrive, `empty` when the first page has none, then a row per item and, on the last page
 * loaded, the button for the next one.
 */
export function PagedRows<T>({
  columns,
  error,
  loading,
  items,
  nextCursor,
  isFirstPage,
  isLastPage,
  empty,
  onLoadMore,
  row,
}: {
  columns: number;
  error?: CombinedError;
  /** What the loading row says, e.g. "Loading datasets…". */
  loading: string;
  items: readonly T[] | undefined;
  nextCursor: string | null | undefined;
  isFirstPage: boolean;
  isLastPage: boolean;
  empty: ReactNode;
  onLoadMore: (cursor: string) => void;
  row: (item: T) => ReactNode;
}) {
  if (error) {
    return (
      <MessageRows columns={columns}>
        <div className="alert" role="alert">
          {describeApiError(error)}
        </div>
      </MessageRows>
    );
  }
  if (!items) {
    return (
      <MessageRows columns={columns} className="progress">
        {loading}
      </MessageRows>
    );
  }
  return (
    <tbody>
      {items.length === 0 && isFirstPage && (
        <tr>
          <td colSpan={columns}>{empty}</td>
        </tr>
      )}
      {items.map(row)}
      {isLastPage && nextCursor && (
        <tr>
          <td colSpan={columns}>
            <button type="button" onClick={() => onLoadMore(nextCursor)}>
              Load more
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}
