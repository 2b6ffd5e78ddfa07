import { isKeyword, readIdentifier, TokenCursor, type RawIdentifier } from './cursor.js';
import type { Token } from './tokenizer.js';

export type Comparator =
  '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN' | 'IS NULL' | 'IS NOT NULL';

export const NUMERIC_COMPARATORS: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
export const STRING_COMPARATORS: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];
export const LIST_COMPARATORS: readonly Comparator[] = ['IN', 'NOT IN'];
export const NULL_COMPARATORS: readonly Comparator[] = ['IS NULL', 'IS NOT NULL'];

/** What a left-hand side names, as a filter grammar resolves it. */
export interface FieldSpec<E extends string> {
  entity: E;
  /** The canonical key (`start_time` for `created`). */
  key: string;
  /** The type of the right-hand side: a number, or a quoted string. */
  valueType: 'number' | 'string';
  comparators: readonly Comparator[];
}

/** One `lhs comparator rhs` clause; all clauses of a filter are ANDed. */
export interface FilterClause<E extends string> {
  entity: E;
  key: string;
  comparator: Comparator;
  /** A number (numeric fields), a string, a list (IN), or null (IS [NOT] NULL). */
  value: number | string | string[] | null;
  /** 1-based column where the clause starts. */
  position: number;
}

const OPERATORS = new Set<string>(NUMERIC_COMPARATORS);

/**
 * Parses MLflow's filter language — `lhs comparator rhs` clauses joined by AND — with `resolve`
 * saying what each left-hand side is; every error names the offending token and its column.
 */
export function parseClauses<E extends string>(
  text: string,
  resolve: (id: RawIdentifier, cursor: TokenCursor) => FieldSpec<E>,
): Array<FilterClause<E>> {
  const cursor = new TokenCursor(text, 'filter');
  const clauses: Array<FilterClause<E>> = [];
  if (cursor.peek().kind === 'end') return clauses;
  for (;;) {
    const id = readIdentifier(cursor, 'a name such as metrics.rmse, params.model, tags.team or status');
    const field = resolve(id, cursor);
    const comparatorToken = cursor.peek();
    const comparator = readComparator(cursor, id);
    if (!field.comparators.includes(comparator)) {
      throw cursor.fail(
        comparatorToken,
        `comparator ${comparator} cannot be used with ${id.text}`,
        `Use one of: ${field.comparators.join(', ')}.`,
      );
    }
    clauses.push({
      entity: field.entity,
      key: field.key,
      comparator,
      value: readValue(cursor, field, comparator, id),
      position: id.start.column,
    });
    const after = cursor.peek();
    if (after.kind === 'end') return clauses;
    if (isKeyword(after, 'AND')) {
      cursor.next();
      continue;
    }
    if (isKeyword(after, 'OR')) {
      throw cursor.fail(
        after,
        'OR is not supported',
        'Clauses can only be joined by AND; run one search per alternative.',
      );
    }
    throw cursor.expected('AND or the end of the filter', after);
  }
}

function readComparator(cursor: TokenCursor, id: RawIdentifier): Comparator {
  const token = cursor.peek();
  const hint = 'Comparators: =, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL.';
  if (token.kind === 'operator') {
    if (!OPERATORS.has(token.value)) throw cursor.fail(token, `'${token.text}' is not a comparator`, hint);
    cursor.next();
    return token.value as Comparator;
  }
  if (isKeyword(token, 'LIKE') || isKeyword(token, 'ILIKE') || isKeyword(token, 'IN')) {
    cursor.next();
    return token.value.toUpperCase() as Comparator;
  }
  if (isKeyword(token, 'NOT')) {
    cursor.next();
    if (cursor.acceptKeyword('IN')) return 'NOT IN';
    throw cursor.expected('IN after NOT', cursor.peek(), 'Use != instead of NOT =, and NOT IN (…) for lists.');
  }
  if (isKeyword(token, 'IS')) {
    cursor.next();
    const not = cursor.acceptKeyword('NOT');
    if (cursor.acceptKeyword('NULL')) return not ? 'IS NOT NULL' : 'IS NULL';
    throw cursor.expected(not ? 'NULL after IS NOT' : 'NULL or NOT NULL after IS');
  }
  throw cursor.expected(`a comparator after ${id.text}`, token, hint);
}

function readValue<E extends string>(
  cursor: TokenCursor,
  field: FieldSpec<E>,
  comparator: Comparator,
  id: RawIdentifier,
): number | string | string[] | null {
  if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') return null;
  if (comparator === 'IN' || comparator === 'NOT IN') return readList(cursor, id);
  const token = cursor.peek();
  if (field.valueType === 'number') {
    if (token.kind !== 'number') {
      throw cursor.expected(`a number for ${id.text}`, token, `For example: ${id.text} ${comparator} 0.5 (no quotes).`);
    }
    cursor.next();
    return Number(token.value);
  }
  if (!isString(token)) {
    throw cursor.expected(
      `a quoted string for ${id.text}`,
      token,
      `Quote the value: ${id.text} ${comparator} '${token.kind === 'end' ? 'value' : token.text}'.`,
    );
  }
  cursor.next();
  return token.value;
}

function readList(cursor: TokenCursor, id: RawIdentifier): string[] {
  const open = cursor.peek();
  const example = `For example: ${id.text} IN ('a', 'b').`;
  if (open.kind !== 'lparen') throw cursor.expected(`a parenthesised list after IN`, open, example);
  cursor.next();
  const values: string[] = [];
  for (;;) {
    const token = cursor.peek();
    if (token.kind === 'rparen' && values.length === 0) throw cursor.fail(token, 'the list is empty', example);
    if (!isString(token)) throw cursor.expected('a quoted string in the list', token, example);
    values.push(cursor.next().value);
    const separator = cursor.next();
    if (separator.kind === 'rparen') return values;
    if (separator.kind !== 'comma') throw cursor.expected("',' or ')' in the list", separator, example);
  }
}

function isString(token: Token): boolean {
  return token.kind === 'single' || token.kind === 'double';
}
