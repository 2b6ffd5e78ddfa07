import { createHash } from 'node:crypto';
import { decodePageToken, encodePageToken, type PageTokenContent, type SortKeyType } from './page-token.js';
import type { SqlBuilder } from './sql-builder.js';

/** One ORDER BY column of a search, with what keyset paging needs to continue after a row. */
export interface SortColumn {
  /** The expression ORDER BY sorts on and the "after" predicate compares. */
  order: string;
  ascending: boolean;
  nullable: boolean;
  /** What the statement selects as this column's sort key (`k0`, `k1`, …) for the page token. */
  select: string;
  /** The token value's type. */
  type: SortKeyType;
  /** Turns the token value's placeholder into something comparable with `order`. */
  fromKey(placeholder: string): string;
}

/** A timestamp column: sorted as itself, carried in tokens as exact microseconds since the epoch. */
export function timestampColumn(column: string, ascending: boolean, nullable: boolean): SortColumn {
  return {
    order: column,
    ascending,
    nullable,
    select: `(EXTRACT(EPOCH FROM ${column}) * 1000000)::bigint`,
    type: 'bigint',
    fromKey: (p) => `(timestamptz 'epoch' + ${p} * interval '1 microsecond')`,
  };
}

/** A column carried in tokens as itself. */
export function plainColumn(order: string, type: SortKeyType, ascending: boolean, nullable: boolean): SortColumn {
  return { order, ascending, nullable, select: order, type, fromKey: (p) => p };
}

/**
 * `ORDER BY` list: NULLs always last, whatever the direction (MLflow puts missing values last).
 * NULLS LAST is spelled out only where a column can be NULL, so a plain index on a NOT NULL column
 * (`created_at DESC`) still serves the order.
 */
export function orderByClause(columns: SortColumn[]): string {
  return columns.map((c) => `${c.order} ${c.ascending ? 'ASC' : 'DESC'}${c.nullable ? ' NULLS LAST' : ''}`).join(', ');
}

/** `select` list of the sort keys: `<expr> AS k0, …`. */
export function sortKeySelect(columns: SortColumn[]): string {
  return columns.map((c, i) => `${c.select} AS k${i}`).join(', ');
}

/**
 * The rows strictly after the row whose sort keys are `keys`, in the order of `columns` (the last of
 * which is unique): a row inserted later lands before or after the cursor, never shifting what the
 * next page holds the way an OFFSET would.
 */
export function afterPredicate(columns: SortColumn[], keys: Array<string | null>, sql: SqlBuilder): string {
  let tail = 'FALSE';
  for (let i = columns.length - 1; i >= 0; i--) {
    const column = columns[i]!;
    const key = keys[i] ?? null;
    const value = key === null ? null : column.fromKey(sql.param(key, column.type));
    const alternatives: string[] = [];
    if (value !== null) {
      const beyond = `${column.order} ${column.ascending ? '>' : '<'} ${value}`;
      alternatives.push(column.nullable ? `(${beyond} OR ${column.order} IS NULL)` : beyond);
    }
    if (i < columns.length - 1 && tail !== 'FALSE') {
      alternatives.push(`(${value === null ? `${column.order} IS NULL` : `${column.order} = ${value}`} AND ${tail})`);
    }
    tail =
      alternatives.length === 0
        ? 'FALSE'
        : alternatives.length === 1
          ? alternatives[0]!
          : `(${alternatives.join(' OR ')})`;
  }
  return tail;
}

/** A short digest of an order description, so a token only continues the order it came from. */
export function orderDigest(description: string): string {
  return createHash('sha256').update(description).digest('base64url').slice(0, 16);
}

/** The page token's sort keys from the statement's row (`k0`, `k1`, … as the driver returned them). */
export function rowKeys(row: Record<string, unknown>, count: number): Array<string | null> {
  const keys: Array<string | null> = [];
  for (let i = 0; i < count; i++) {
    const value = row[`k${i}`];
    if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) keys.push(null);
    else if (value instanceof Date) keys.push(value.toISOString());
    else keys.push(String(value));
  }
  return keys;
}

/** What buildRunSearch and buildExperimentSearch return to the service. */
export interface SearchStatement {
  /** A complete SELECT of `id, k0…kn`, at most maxResults + 1 rows (the extra one says a next page exists). */
  sql: string;
  params: unknown[];
  /** Keeps at most maxResults ids and makes the next page token from the last one kept. */
  page(rows: Array<Record<string, unknown>>): { ids: string[]; nextPageToken: string | null };
}

/** Paging of a statement over `columns`: the token check for the incoming token, `page()` for the answer. */
export function keysetPaging(
  scope: PageTokenContent['scope'],
  order: string,
  columns: SortColumn[],
  maxResults: number,
) {
  return {
    /** The incoming token's sort keys (validated), or null without one. */
    decode(token: string | null | undefined): Array<string | null> | null {
      if (token === undefined || token === null || token === '') return null;
      return decodePageToken(token, {
        scope,
        order,
        types: columns.map((c) => c.type),
        nullable: columns.map((c) => c.nullable),
      });
    },
    page(rows: Array<Record<string, unknown>>) {
      const kept = rows.slice(0, maxResults);
      const last = kept[kept.length - 1];
      return {
        ids: kept.map((row) => String(row['id'])),
        nextPageToken:
          rows.length > maxResults && last
            ? encodePageToken({ scope, order, keys: rowKeys(last, columns.length) })
            : null,
      };
    },
  };
}
