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

export type RunEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

/** Run attributes a filter may name, as MLflow's RunInfo exposes them. */
export const RUN_STRING_ATTRIBUTES = ['run_id', 'run_name', 'status', 'artifact_uri', 'user_id'] as const;
export const RUN_NUMERIC_ATTRIBUTES = ['start_time', 'end_time'] as const;
/** Extra keys order_by accepts. */
export const RUN_ORDER_ONLY_ATTRIBUTES = ['experiment_id'] as const;
export type RunAttribute =
  | (typeof RUN_STRING_ATTRIBUTES)[number]
  | (typeof RUN_NUMERIC_ATTRIBUTES)[number]
  | (typeof RUN_ORDER_ONLY_ATTRIBUTES)[number];

/** MLflow's spellings of the entity types (`metric`/`metrics`, `param`/`params`/`parameters`, …). */
const ENTITY_ALIASES: Record<string, RunEntity> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'param',
  parameters: 'param',
  param: 'param',
  params: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};

/** MLflow's attribute aliases: `created` is start_time, `Run name` is run_name. */
const ATTRIBUTE_ALIASES: Record<string, RunAttribute> = {
  created: 'start_time',
  Created: 'start_time',
  'run name': 'run_name',
  'Run name': 'run_name',
  'Run Name': 'run_name',
};

const DATASET_KEYS = ['name', 'digest', 'context'];

export type RunFilterClause = FilterClause<RunEntity>;

/** A parsed run filter: its clauses, all of which must hold. */
export interface RunFilter {
  clauses: RunFilterClause[];
}

/**
 * Parses MLflow's run filter (`metrics.rmse < 1 and params.model = 'cnn' and status = 'FINISHED'`).
 * Accepts what MLflow accepts, plus IN lists and IS [NOT] NULL on params, tags and metrics.
 */
export function parseRunFilter(text: string | null | undefined): RunFilter {
  return { clauses: parseClauses(text ?? '', resolveRunField) };
}

/** The entity type an identifier's prefix names, or an error listing the valid ones. */
export function runEntity(id: RawIdentifier, cursor: TokenCursor, allowed: RunEntity[]): RunEntity {
  if (id.entity === null) return 'attribute';
  const entity = ENTITY_ALIASES[id.entity.toLowerCase()];
  if (!entity || !allowed.includes(entity)) {
    const names = allowed.map((e) => (e === 'attribute' ? 'attributes' : e === 'dataset' ? 'datasets' : e + 's'));
    throw cursor.fail(id.start, `'${id.entity}' is not a valid entity type`, `Use one of: ${names.join(', ')}.`);
  }
  return entity;
}

/** The canonical attribute key for `key`, or an error listing the valid ones. */
export function runAttribute(id: RawIdentifier, cursor: TokenCursor, valid: readonly RunAttribute[]): RunAttribute {
  const key = (ATTRIBUTE_ALIASES[id.key] ?? id.key) as RunAttribute;
  if (!valid.includes(key)) {
    const guess =
      id.entity === null
        ? ` To filter on a metric, param or tag, write metrics.${id.key}, params.${id.key} or tags.${id.key}.`
        : '';
    throw cursor.fail(
      id.keyToken,
      `'${id.key}' is not a run attribute`,
      `Valid attributes: ${valid.join(', ')}.${guess}`,
    );
  }
  return key;
}

function resolveRunField(id: RawIdentifier, cursor: TokenCursor): FieldSpec<RunEntity> {
  const entity = runEntity(id, cursor, ['metric', 'param', 'tag', 'attribute', 'dataset']);
  switch (entity) {
    case 'metric':
      return { entity, key: id.key, valueType: 'number', comparators: [...NUMERIC_COMPARATORS, ...NULL_COMPARATORS] };
    case 'param':
    case 'tag':
      return {
        entity,
        key: id.key,
        valueType: 'string',
        comparators: [...STRING_COMPARATORS, ...LIST_COMPARATORS, ...NULL_COMPARATORS],
      };
    case 'dataset':
      if (!DATASET_KEYS.includes(id.key)) {
        throw cursor.fail(id.keyToken, `'${id.key}' is not a dataset field`, `Use one of: ${DATASET_KEYS.join(', ')}.`);
      }
      return { entity, key: id.key, valueType: 'string', comparators: [...STRING_COMPARATORS, ...LIST_COMPARATORS] };
    case 'attribute': {
      const key = runAttribute(id, cursor, [...RUN_STRING_ATTRIBUTES, ...RUN_NUMERIC_ATTRIBUTES]);
      if ((RUN_NUMERIC_ATTRIBUTES as readonly string[]).includes(key)) {
        return { entity, key, valueType: 'number', comparators: NUMERIC_COMPARATORS };
      }
      return { entity, key, valueType: 'string', comparators: [...STRING_COMPARATORS, ...LIST_COMPARATORS] };
    }
  }
}
