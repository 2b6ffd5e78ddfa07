import type { RawIdentifier, TokenCursor } from './cursor.js';
import {
  LIST_COMPARATORS,
  NULL_COMPARATORS,
  NUMERIC_COMPARATORS,
  parseClauses,
  STRING_COMPARATORS,
  type FieldSpec,
  type FilterClause,
} from './filter-parser.js';
import { readOrderEntry } from './order-by.js';

export type ExperimentEntity = 'attribute' | 'tag';
export type ExperimentAttribute = 'name' | 'creation_time' | 'last_update_time' | 'experiment_id';

const FILTER_ATTRIBUTES: ExperimentAttribute[] = ['name', 'creation_time', 'last_update_time'];
const ORDER_ATTRIBUTES: ExperimentAttribute[] = ['name', 'experiment_id', 'creation_time', 'last_update_time'];
const ENTITY_ALIASES: Record<string, ExperimentEntity> = {
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  tag: 'tag',
  tags: 'tag',
};

export type ExperimentFilterClause = FilterClause<ExperimentEntity>;
export interface ExperimentFilter {
  clauses: ExperimentFilterClause[];
}

/** One order_by entry of an experiment search. */
export interface ExperimentOrderTerm {
  key: ExperimentAttribute;
  ascending: boolean;
}

/** Parses MLflow's experiment filter (`name LIKE 'vision-%' and tags.team = 'x'`). */
export function parseExperimentFilter(text: string | null | undefined): ExperimentFilter {
  return {
    clauses: parseClauses(text ?? '', (id, cursor): FieldSpec<ExperimentEntity> => {
      if (experimentEntity(id, cursor) === 'tag') {
        return {
          entity: 'tag',
          key: id.key,
          valueType: 'string',
          comparators: [...STRING_COMPARATORS, ...LIST_COMPARATORS, ...NULL_COMPARATORS],
        };
      }
      const key = experimentAttribute(id, cursor, FILTER_ATTRIBUTES);
      return key === 'name'
        ? { entity: 'attribute', key, valueType: 'string', comparators: [...STRING_COMPARATORS, ...LIST_COMPARATORS] }
        : { entity: 'attribute', key, valueType: 'number', comparators: NUMERIC_COMPARATORS };
    }),
  };
}

/** Parses experiment order_by entries (`name`, `creation_time DESC`, `attributes.last_update_time`). */
export function parseExperimentOrderBy(entries: readonly string[] | null | undefined): ExperimentOrderTerm[] {
  return (entries ?? []).map((entry) =>
    readOrderEntry(entry, (id, cursor) => {
      if (experimentEntity(id, cursor) === 'tag') {
        throw cursor.fail(
          id.start,
          'experiments cannot be ordered by a tag',
          `Order by one of: ${ORDER_ATTRIBUTES.join(', ')}.`,
        );
      }
      return { key: experimentAttribute(id, cursor, ORDER_ATTRIBUTES) };
    }),
  );
}

function experimentEntity(id: RawIdentifier, cursor: TokenCursor): ExperimentEntity {
  if (id.entity === null) return 'attribute';
  const entity = ENTITY_ALIASES[id.entity.toLowerCase()];
  if (!entity) throw cursor.fail(id.start, `'${id.entity}' is not a valid entity type`, 'Use attributes or tags.');
  return entity;
}

function experimentAttribute(
  id: RawIdentifier,
  cursor: TokenCursor,
  valid: ExperimentAttribute[],
): ExperimentAttribute {
  if (!(valid as string[]).includes(id.key)) {
    throw cursor.fail(
      id.keyToken,
      `'${id.key}' is not an experiment attribute`,
      `Valid attributes: ${valid.join(', ')}.`,
    );
  }
  return id.key as ExperimentAttribute;
}
