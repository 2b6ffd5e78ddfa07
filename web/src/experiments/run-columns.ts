import type { RunRow } from './operations';

/** Where a chosen column's values come from. */
export type KeyedColumnKind = 'params' | 'metrics' | 'tags';

/** A param, metric or tag column of the runs table. */
export interface KeyedColumn {
  kind: KeyedColumnKind;
  key: string;
}

/** A sort of the runs table: an MLflow order_by field (`metrics.rmse`, `attributes.start_time`) and its direction. */
export interface RunSort {
  field: string;
  descending: boolean;
}

/** The fixed columns that can sort, by MLflow attribute name. */
export const ATTRIBUTE_SORT_FIELDS = {
  name: 'attributes.run_name',
  status: 'attributes.status',
  start: 'attributes.start_time',
  end: 'attributes.end_time',
} as const;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A key as MLflow's search syntax takes it: as is when it is a plain identifier, in backticks
 * otherwise (`metrics.\`val loss\``, `params.\`optimizer/lr\``).
 */
export function quoteKey(key: string): string {
  return PLAIN_KEY.test(key) ? key : `\`${key.replace(/`/g, '')}\``;
}

/** The order_by field of a param, metric or tag column. */
export function sortFieldOf(column: KeyedColumn): string {
  return `${column.kind}.${quoteKey(column.key)}`;
}

/** The `orderBy` entries `searchRuns` takes for a sort; null for the API's default (newest first). */
export function orderByFor(sort: RunSort | null): string[] | null {
  return sort ? [`${sort.field} ${sort.descending ? 'DESC' : 'ASC'}`] : null;
}

/** A stable identifier of a column, for React keys and the saved choice. */
export function columnId(column: KeyedColumn): string {
  return `${column.kind}.${column.key}`;
}

/** A run's value in a chosen column, as text; null when the run has none. */
export function cellValue(run: RunRow, column: KeyedColumn): string | number | null {
  if (column.kind === 'metrics') {
    const metric = run.metrics.find((entry) => entry.key === column.key);
    return metric ? (metric.value ?? metric.text) : null;
  }
  const entries = column.kind === 'params' ? run.params : run.tags;
  return entries.find((entry) => entry.key === column.key)?.value ?? null;
}

// Which columns a user chose, per experiment, so a reload keeps them.
const STORAGE_PREFIX = 'aitip.experimentColumns:';

/** The columns chosen for an experiment's runs table, or null when none were saved. */
export function loadChosenColumns(experimentId: string): KeyedColumn[] | null {
  try {
    const saved = JSON.parse(window.localStorage.getItem(STORAGE_PREFIX + experimentId) ?? 'null') as unknown;
    if (!Array.isArray(saved)) return null;
    return saved.filter(
      (entry): entry is KeyedColumn =>
        typeof entry === 'object' &&
        entry !== null &&
        ['params', 'metrics', 'tags'].includes((entry as KeyedColumn).kind) &&
        typeof (entry as KeyedColumn).key === 'string',
    );
  } catch {
    return null;
  }
}

/** Remembers the columns chosen for an experiment's runs table. */
export function saveChosenColumns(experimentId: string, columns: readonly KeyedColumn[]): void {
  try {
    window.localStorage.setItem(STORAGE_PREFIX + experimentId, JSON.stringify(columns));
  } catch {
    // Storage full or disabled: the choice lasts until the page closes.
  }
}

/** Columns shown before a user chooses: the first few metrics, then the first few params. */
export function defaultColumns(metricKeys: readonly string[], paramKeys: readonly string[]): KeyedColumn[] {
  return [
    ...metricKeys.slice(0, 4).map((key) => ({ kind: 'metrics' as const, key })),
    ...paramKeys.slice(0, 4).map((key) => ({ kind: 'params' as const, key })),
  ];
}
