import type { RunRow } from './operations';
import type { RunSort } from './run-columns';

type SortValue = string | number | null;

function unquote(key: string): string {
  return key.startsWith('`') && key.endsWith('`') ? key.slice(1, -1) : key;
}

/** A run's value for an order_by field, as the API sorts on it. */
function sortValue(run: RunRow, field: string): SortValue {
  const dot = field.indexOf('.');
  const kind = field.slice(0, dot);
  const key = unquote(field.slice(dot + 1));
  switch (kind) {
    case 'metrics':
      return run.metrics.find((metric) => metric.key === key)?.value ?? null;
    case 'params':
      return run.params.find((param) => param.key === key)?.value ?? null;
    case 'tags':
      return run.tags.find((tag) => tag.key === key)?.value ?? null;
    default:
      if (key === 'run_name') return run.name;
      if (key === 'status') return run.status;
      if (key === 'start_time') return run.startTime ? Date.parse(run.startTime) : null;
      if (key === 'end_time') return run.endTime ? Date.parse(run.endTime) : null;
      return null;
  }
}

function compareValues(a: SortValue, b: SortValue, descending: boolean): number {
  // NULLS LAST in both directions, as the API orders.
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const order = a < b ? -1 : a > b ? 1 : 0;
  return descending ? -order : order;
}

/**
 * Orders two runs the way `searchRuns` does for `sort`: by the sort value (nulls last), then
 * newest start first, then id. Places runs that arrive live between the rows already loaded.
 */
export function compareRunOrder(a: RunRow, b: RunRow, sort: RunSort | null): number {
  if (sort) {
    const bySort = compareValues(sortValue(a, sort.field), sortValue(b, sort.field), sort.descending);
    if (bySort !== 0) return bySort;
  }
  const byStart = compareValues(
    a.startTime ? Date.parse(a.startTime) : null,
    b.startTime ? Date.parse(b.startTime) : null,
    true,
  );
  if (byStart !== 0) return byStart;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Puts a run that arrived live into the loaded rows at its place in the order. A run that
 * would come after the last loaded row is left out while more pages remain: paging brings it.
 */
export function insertRun(rows: readonly RunRow[], run: RunRow, sort: RunSort | null, complete: boolean): RunRow[] {
  let index = rows.findIndex((row) => compareRunOrder(run, row, sort) < 0);
  if (index === -1) {
    if (!complete) return rows as RunRow[];
    index = rows.length;
  }
  return [...rows.slice(0, index), run, ...rows.slice(index)];
}
