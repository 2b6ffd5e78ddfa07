import type { SearchRunsInput, ViewType } from '../tracking/api.js';
import { searchError } from './errors.js';
import {
  keysetPaging,
  orderByClause,
  orderDigest,
  plainColumn,
  sortKeySelect,
  timestampColumn,
  afterPredicate,
  type SearchStatement,
  type SortColumn,
} from './keyset.js';
import { parseOrderBy, type OrderTerm } from './order-by.js';
import { parseRunFilter } from './run-filter.js';
import { compileRunFilter, RUN_CHILD_TABLES, RUN_COLUMNS } from './run-sql.js';
import { SqlBuilder, uuidsOnly } from './sql-builder.js';
import type { RunAttribute } from './run-filter.js';

/** MLflow's ceiling on max_results for searches. */
export const SEARCH_MAX_RESULTS = 50_000;

/**
 * The statement for one page of a run search: the experiments' runs of the view type that pass the
 * filter, in the order asked (MLflow's default: start_time DESC, then run id), continuing after the
 * page token's row. Runs inside the caller's `inTenant`, which limits it to the organization.
 */
export function buildRunSearch(input: SearchRunsInput): SearchStatement {
  checkMaxResults(input.maxResults);
  const filter = parseRunFilter(input.filter);
  const terms = withRunTieBreakers(parseOrderBy(input.orderBy));
  const sql = new SqlBuilder();
  const experiments = sql.param(uuidsOnly(input.experimentIds), 'uuid[]');
  const columns = compileRunOrder(terms, sql);
  const paging = keysetPaging('runs', orderDigest(describeTerms(terms)), columns, input.maxResults);
  const after = paging.decode(input.pageToken);
  const where = [
    `r.experiment_id = ANY(${experiments})`,
    viewTypeClause('r', input.viewType),
    compileRunFilter(filter, sql),
    ...(after ? [afterPredicate(columns, after, sql)] : []),
  ];
  return {
    sql: `SELECT r.id, ${sortKeySelect(columns)} FROM experiments.runs r WHERE ${where.join(' AND ')} ORDER BY ${orderByClause(columns)} LIMIT ${sql.param(input.maxResults + 1, 'int')}`,
    params: sql.params,
    page: (rows) => paging.page(rows),
  };
}

/** The ORDER BY columns of run order terms over `experiments.runs r`. */
export function compileRunOrder(terms: OrderTerm[], sql: SqlBuilder): SortColumn[] {
  return terms.map((term) => {
    if (term.entity === 'attribute') {
      const column = RUN_COLUMNS[term.key as RunAttribute];
      if (column.type === 'timestamp') return timestampColumn(column.sql, term.ascending, column.nullable);
      return plainColumn(column.sql, column.type === 'uuid' ? 'uuid' : 'text', term.ascending, column.nullable);
    }
    const { table, alias } = RUN_CHILD_TABLES[term.entity];
    const key = sql.param(term.key, 'text');
    if (term.entity === 'metric') {
      // NaN sorts with the missing values, last
      const value = `(SELECT NULLIF(${alias}.value, 'NaN'::float8) FROM ${table} ${alias} WHERE ${alias}.run_id = r.id AND ${alias}.key = ${key})`;
      return plainColumn(value, 'float8', term.ascending, true);
    }
    const value = `(SELECT ${alias}.value FROM ${table} ${alias} WHERE ${alias}.run_id = r.id AND ${alias}.key = ${key})`;
    return plainColumn(value, 'text', term.ascending, true);
  });
}

/** Adds MLflow's tie-breakers (start_time DESC, then run id) and refuses a column named twice. */
function withRunTieBreakers(terms: OrderTerm[]): OrderTerm[] {
  const seen = new Set<string>();
  for (const term of terms) {
    const id = `${term.entity}.${term.key}`;
    if (seen.has(id)) throw searchError(`Invalid order_by: ${id} is named more than once. Name each column once.`);
    seen.add(id);
  }
  const result = [...terms];
  if (!seen.has('attribute.start_time')) result.push({ entity: 'attribute', key: 'start_time', ascending: false });
  if (!seen.has('attribute.run_id')) result.push({ entity: 'attribute', key: 'run_id', ascending: true });
  return result;
}

export function describeTerms(terms: Array<{ entity: string; key: string; ascending: boolean }>): string {
  return JSON.stringify(terms.map((t) => [t.entity, t.key, t.ascending]));
}

/** `lifecycle_stage` for MLflow's ViewType. */
export function viewTypeClause(alias: string, viewType: ViewType): string {
  switch (viewType) {
    case 'ACTIVE_ONLY':
      return `${alias}.lifecycle_stage = 'active'`;
    case 'DELETED_ONLY':
      return `${alias}.lifecycle_stage = 'deleted'`;
    case 'ALL':
      return 'TRUE';
    default:
      throw searchError(`Invalid view type '${String(viewType)}'. Use ACTIVE_ONLY, DELETED_ONLY or ALL.`);
  }
}

export function checkMaxResults(maxResults: number): void {
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > SEARCH_MAX_RESULTS) {
    throw searchError(
      `Invalid value ${maxResults} for parameter 'max_results': it must be a whole number from 1 to ${SEARCH_MAX_RESULTS}.`,
    );
  }
}
