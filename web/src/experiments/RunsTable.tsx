import { useEffect, useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ShellLink } from '../shell/navigation';
import { formatDuration, formatMetric, formatTime, runLabel } from './format';
import type { RunRow } from './operations';
import { runPath } from './paths';
import { ATTRIBUTE_SORT_FIELDS, cellValue, columnId, sortFieldOf, type KeyedColumn, type RunSort } from './run-columns';
import { RunStatusBadge } from './RunStatusBadge';

// Every row has this height (cells do not wrap), so the virtualizer never has to measure.
const ROW_HEIGHT_PX = 36;
// Rows drawn above and below the visible ones, so a fast scroll does not show blanks.
const OVERSCAN_ROWS = 12;
// Ask for the next page when the last drawn row is this close to the end of what is loaded.
const LOAD_AHEAD_ROWS = 40;

const FIXED_COLUMN_WIDTHS = ['2.5rem', '15rem', '7rem', '11.5rem', '7rem'];
const KEYED_COLUMN_WIDTH = '9rem';

interface RunsTableProps {
  runs: readonly RunRow[];
  columns: readonly KeyedColumn[];
  sort: RunSort | null;
  onSort: (sort: RunSort | null) => void;
  selected: ReadonlySet<string>;
  /** False once the most runs the compare view takes are selected. */
  canSelectMore: boolean;
  onToggle: (runId: string) => void;
  loading: boolean;
  complete: boolean;
  onNearEnd: () => void;
  /** Shown in place of rows when there are none (no match, an error). */
  empty: ReactNode;
  /** A change (another filter or sort) scrolls back to the top. */
  scrollResetKey: string;
}

/** The next sort when a column header is pressed: descending, then ascending, then the default. */
function nextSort(current: RunSort | null, field: string): RunSort | null {
  if (current?.field !== field) return { field, descending: true };
  return current.descending ? { field, descending: false } : null;
}

function SortableHeader({
  field,
  sort,
  onSort,
  title,
  children,
}: {
  field: string;
  sort: RunSort | null;
  onSort: (sort: RunSort | null) => void;
  title?: string;
  children: ReactNode;
}) {
  const active = sort?.field === field;
  const direction = active ? (sort.descending ? 'descending' : 'ascending') : 'none';
  return (
    <th scope="col" aria-sort={direction} title={title}>
      <button type="button" className="sort-button" onClick={() => onSort(nextSort(sort, field))}>
        {children}
        <span className="sort-arrow" aria-hidden="true">
          {active ? (sort.descending ? ' ▼' : ' ▲') : ''}
        </span>
      </button>
    </th>
  );
}

function KeyedCell({ run, column }: { run: RunRow; column: KeyedColumn }) {
  const value = cellValue(run, column);
  if (value === null) return <td className="missing">—</td>;
  if (typeof value === 'number') {
    return (
      <td className="numeric" title={String(value)}>
        {formatMetric(value)}
      </td>
    );
  }
  return <td title={value}>{value}</td>;
}

/**
 * The runs of an experiment as one table that draws only the rows in view (thousands stay
 * fast), with sortable columns, chosen param/metric/tag columns and a checkbox per run. It
 * asks for more runs as the user scrolls near the end of those loaded.
 */
export function RunsTable(props: RunsTableProps) {
  const { runs, columns, sort, onSort, selected, canSelectMore, onToggle, loading, complete, onNearEnd } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: runs.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: OVERSCAN_ROWS,
  });
  const items = virtualizer.getVirtualItems();
  const lastDrawn = items.length > 0 ? items[items.length - 1]!.index : -1;

  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [props.scrollResetKey]);

  useEffect(() => {
    if (!complete && !loading && lastDrawn >= runs.length - LOAD_AHEAD_ROWS) onNearEnd();
  }, [complete, loading, lastDrawn, runs.length, onNearEnd]);

  const columnCount = FIXED_COLUMN_WIDTHS.length + columns.length;
  const paddingTop = items.length > 0 ? items[0]!.start : 0;
  const paddingBottom = items.length > 0 ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;

  return (
    <div className="runs-scroll" ref={scrollRef}>
      <table className="data-table runs-table" aria-label="Runs" aria-rowcount={runs.length + 1}>
        <colgroup>
          {FIXED_COLUMN_WIDTHS.map((width, index) => (
            <col key={index} style={{ width }} />
          ))}
          {columns.map((column) => (
            <col key={columnId(column)} style={{ width: KEYED_COLUMN_WIDTH }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">
              <span className="visually-hidden">Select</span>
            </th>
            <SortableHeader field={ATTRIBUTE_SORT_FIELDS.name} sort={sort} onSort={onSort}>
              Run
            </SortableHeader>
            <SortableHeader field={ATTRIBUTE_SORT_FIELDS.status} sort={sort} onSort={onSort}>
              Status
            </SortableHeader>
            <SortableHeader field={ATTRIBUTE_SORT_FIELDS.start} sort={sort} onSort={onSort}>
              Started
            </SortableHeader>
            <th scope="col">Duration</th>
            {columns.map((column) => (
              <SortableHeader
                key={columnId(column)}
                field={sortFieldOf(column)}
                sort={sort}
                onSort={onSort}
                title={`${column.kind}.${column.key}`}
              >
                <span className="column-kind">{column.kind}.</span>
                <span className="column-key">{column.key}</span>
              </SortableHeader>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.length === 0 && (
            <tr>
              <td colSpan={columnCount}>{props.empty}</td>
            </tr>
          )}
          {paddingTop > 0 && (
            <tr aria-hidden="true" className="virtual-padding" style={{ height: paddingTop }}>
              <td colSpan={columnCount} />
            </tr>
          )}
          {items.map((item) => {
            const run = runs[item.index]!;
            const isSelected = selected.has(run.id);
            return (
              <tr
                key={run.id}
                aria-rowindex={item.index + 2}
                className={[run.deleted ? 'revoked' : '', isSelected ? 'selected' : ''].join(' ').trim() || undefined}
                style={{ height: ROW_HEIGHT_PX }}
              >
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${runLabel(run)}`}
                    checked={isSelected}
                    disabled={!isSelected && !canSelectMore}
                    onChange={() => onToggle(run.id)}
                  />
                </td>
                <th scope="row" title={run.id}>
                  <ShellLink to={runPath(run.id)}>{runLabel(run)}</ShellLink>
                </th>
                <td>
                  <RunStatusBadge status={run.status} deleted={run.deleted} />
                </td>
                <td>{formatTime(run.startTime)}</td>
                <td className="numeric">{formatDuration(run.startTime, run.endTime)}</td>
                {columns.map((column) => (
                  <KeyedCell key={columnId(column)} run={run} column={column} />
                ))}
              </tr>
            );
          })}
          {paddingBottom > 0 && (
            <tr aria-hidden="true" className="virtual-padding" style={{ height: paddingBottom }}>
              <td colSpan={columnCount} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
