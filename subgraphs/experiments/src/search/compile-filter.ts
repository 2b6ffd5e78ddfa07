import type { Comparator, FilterClause } from './filter-parser.js';
import { uuidsOnly, type SqlBuilder } from './sql-builder.js';

/** How a compiled column compares: plain text, a UUID (`=`/IN by id, LIKE on its text), a timestamp, a number. */
export type ColumnType = 'text' | 'uuid' | 'timestamp' | 'float';

/**
 * `column <comparator> value` for one attribute column, with the value as parameters. A NULL column
 * matches nothing, as in MLflow (a missing value never satisfies a clause, not even `!=`).
 */
export function compareColumn(column: string, type: ColumnType, clause: FilterClause<string>, sql: SqlBuilder): string {
  const { comparator, value } = clause;
  if (type === 'timestamp') {
    // MLflow times are milliseconds since the epoch
    return `${column} ${comparator} to_timestamp(${sql.param(value, 'float8')} / 1000.0)`;
  }
  if (type === 'float') return `${column} ${comparator} ${sql.param(value, 'float8')}`;
  if (type === 'uuid') {
    if (comparator === 'LIKE' || comparator === 'ILIKE')
      return `${column}::text ${comparator} ${sql.param(value, 'text')}`;
    const ids = sql.param(uuidsOnly(Array.isArray(value) ? value : [String(value)]), 'uuid[]');
    return comparator === '=' || comparator === 'IN' ? `${column} = ANY(${ids})` : `NOT (${column} = ANY(${ids}))`;
  }
  return compareText(column, comparator, value, sql);
}

/** `column <comparator> value` for text columns (params, tags, names, statuses). */
export function compareText(column: string, comparator: Comparator, value: unknown, sql: SqlBuilder): string {
  switch (comparator) {
    case 'IN':
      return `${column} = ANY(${sql.param(value, 'text[]')})`;
    case 'NOT IN':
      return `NOT (${column} = ANY(${sql.param(value, 'text[]')}))`;
    case '=':
    case '!=':
    case 'LIKE':
    case 'ILIKE':
      return `${column} ${comparator === '!=' ? '<>' : comparator} ${sql.param(value, 'text')}`;
    default:
      throw new Error(`comparator ${comparator} does not apply to text`);
  }
}

/**
 * A clause on a key-value child table (params, tags, latest metrics): EXISTS a row for the key whose
 * value matches; IS NULL is NOT EXISTS a row for the key.
 */
export function compareKeyValue(
  table: string,
  alias: string,
  link: string,
  clause: FilterClause<string>,
  valueType: 'text' | 'float',
  sql: SqlBuilder,
): string {
  const row = `SELECT 1 FROM ${table} ${alias} WHERE ${link} AND ${alias}.key = ${sql.param(clause.key, 'text')}`;
  if (clause.comparator === 'IS NULL') return `NOT EXISTS (${row})`;
  if (clause.comparator === 'IS NOT NULL') return `EXISTS (${row})`;
  const value = `${alias}.value`;
  if (valueType === 'text') return `EXISTS (${row} AND ${compareText(value, clause.comparator, clause.value, sql)})`;
  const op = clause.comparator === '!=' ? '<>' : clause.comparator;
  // PostgreSQL sorts NaN above every number; MLflow's NaN satisfies only !=
  const notNaN = clause.comparator === '!=' ? '' : ` AND ${value} <> 'NaN'::float8`;
  return `EXISTS (${row} AND ${value} ${op} ${sql.param(clause.value, 'float8')}${notNaN})`;
}
