import { isKeyword, readIdentifier, TokenCursor, type RawIdentifier } from './cursor.js';
import {
  RUN_NUMERIC_ATTRIBUTES,
  RUN_ORDER_ONLY_ATTRIBUTES,
  RUN_STRING_ATTRIBUTES,
  runAttribute,
  runEntity,
} from './run-filter.js';

/** One order_by entry of a run search. */
export interface OrderTerm {
  entity: 'metric' | 'param' | 'tag' | 'attribute';
  key: string;
  ascending: boolean;
}

/**
 * Parses MLflow's order_by entries (`metrics.rmse DESC`, `attributes.start_time`, `params.lr ASC`);
 * ascending unless DESC is given. Errors name the entry and the column within it.
 */
export function parseOrderBy(entries: readonly string[] | null | undefined): OrderTerm[] {
  return (entries ?? []).map((entry) =>
    readOrderEntry(entry, (id, cursor) => {
      const entity = runEntity(id, cursor, ['metric', 'param', 'tag', 'attribute']) as OrderTerm['entity'];
      const key =
        entity === 'attribute'
          ? runAttribute(id, cursor, [
              ...RUN_STRING_ATTRIBUTES,
              ...RUN_NUMERIC_ATTRIBUTES,
              ...RUN_ORDER_ONLY_ATTRIBUTES,
            ])
          : id.key;
      return { entity, key };
    }),
  );
}

/** Reads `<identifier> [ASC|DESC]`, resolving the identifier with `resolve`. */
export function readOrderEntry<T>(
  entry: string,
  resolve: (id: RawIdentifier, cursor: TokenCursor) => T,
): T & { ascending: boolean } {
  const cursor = new TokenCursor(entry, `order_by entry '${entry}'`);
  const resolved = resolve(readIdentifier(cursor, 'a column such as metrics.rmse or attributes.start_time'), cursor);
  let ascending = true;
  if (isKeyword(cursor.peek(), 'DESC')) {
    cursor.next();
    ascending = false;
  } else if (isKeyword(cursor.peek(), 'ASC')) {
    cursor.next();
  }
  const rest = cursor.peek();
  if (rest.kind !== 'end') throw cursor.expected('ASC, DESC or the end of the entry', rest);
  return { ...resolved, ascending };
}
