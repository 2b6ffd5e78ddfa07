import type { SearchExperimentsInput } from '../tracking/api.js';
import { compareColumn, compareKeyValue, type ColumnType } from './compile-filter.js';
import { searchError } from './errors.js';
import {
  parseExperimentFilter,
  parseExperimentOrderBy,
  type ExperimentAttribute,
  type ExperimentFilter,
  type ExperimentOrderTerm,
} from './experiment-filter.js';
import {
  afterPredicate,
  keysetPaging,
  orderByClause,
  orderDigest,
  plainColumn,
  sortKeySelect,
  timestampColumn,
  type SearchStatement,
  type SortColumn,
} from './keyset.js';
import { checkMaxResults, describeTerms, viewTypeClause } from './run-search.js';
import { SqlBuilder } from './sql-builder.js';

/** Each experiment attribute as a column of `experiments.experiments e`. */
const EXPERIMENT_COLUMNS: Record<ExperimentAttribute, { sql: string; type: ColumnType }> = {
  experiment_id: { sql: 'e.id', type: 'uuid' },
  name: { sql: 'e.name', type: 'text' },
  creation_time: { sql: 'e.created_at', type: 'timestamp' },
  last_update_time: { sql: 'e.updated_at', type: 'timestamp' },
};

/** The filter as one SQL boolean over `experiments.experiments e`. */
export function compileExperimentFilter(filter: ExperimentFilter, sql: SqlBuilder): string {
  if (filter.clauses.length === 0) return 'TRUE';
  return filter.clauses
    .map((clause) => {
      if (clause.entity === 'tag') {
        return `(${compareKeyValue('experiments.experiment_tags', 't', 't.experiment_id = e.id', clause, 'text', sql)})`;
      }
      const column = EXPERIMENT_COLUMNS[clause.key as ExperimentAttribute];
      return `(${compareColumn(column.sql, column.type, clause, sql)})`;
    })
    .join(' AND ');
}

/**
 * The statement for one page of an experiment search, in the order asked (MLflow's default:
 * creation_time DESC), ties broken by experiment id, continuing after the page token's row.
 */
export function buildExperimentSearch(input: SearchExperimentsInput): SearchStatement {
  checkMaxResults(input.maxResults);
  const filter = parseExperimentFilter(input.filter);
  const terms = withExperimentTieBreakers(parseExperimentOrderBy(input.orderBy));
  const sql = new SqlBuilder();
  const columns: SortColumn[] = terms.map((term) => {
    const column = EXPERIMENT_COLUMNS[term.key];
    return column.type === 'timestamp'
      ? timestampColumn(column.sql, term.ascending, false)
      : plainColumn(column.sql, column.type === 'uuid' ? 'uuid' : 'text', term.ascending, false);
  });
  const paging = keysetPaging(
    'experiments',
    orderDigest(describeTerms(terms.map((t) => ({ entity: 'attribute', ...t })))),
    columns,
    input.maxResults,
  );
  const after = paging.decode(input.pageToken);
  const where = [
    viewTypeClause('e', input.viewType),
    compileExperimentFilter(filter, sql),
    ...(after ? [afterPredicate(columns, after, sql)] : []),
  ];
  return {
    sql: `SELECT e.id, ${sortKeySelect(columns)} FROM experiments.experiments e WHERE ${where.join(' AND ')} ORDER BY ${orderByClause(columns)} LIMIT ${sql.param(input.maxResults + 1, 'int')}`,
    params: sql.params,
    page: (rows) => paging.page(rows),
  };
}

function withExperimentTieBreakers(terms: ExperimentOrderTerm[]): ExperimentOrderTerm[] {
  const keys = new Set<string>();
  for (const term of terms) {
    if (keys.has(term.key))
      throw searchError(`Invalid order_by: ${term.key} is named more than once. Name each column once.`);
    keys.add(term.key);
  }
  if (terms.length === 0)
    return [
      { key: 'creation_time', ascending: false },
      { key: 'experiment_id', ascending: true },
    ];
  return keys.has('experiment_id') ? terms : [...terms, { key: 'experiment_id', ascending: true }];
}
