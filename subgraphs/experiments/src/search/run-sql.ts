import { compareColumn, compareKeyValue, compareText, type ColumnType } from './compile-filter.js';
import type { RunAttribute, RunFilter, RunFilterClause } from './run-filter.js';
import type { SqlBuilder } from './sql-builder.js';

/** The run's artifact root as RunRecord.artifactUri spells it: `<experiment artifact_location>/<runId>/artifacts`. */
const ARTIFACT_URI = `((SELECT x.artifact_location FROM experiments.experiments x WHERE x.id = r.experiment_id) || '/' || r.id::text || '/artifacts')`;

/** Each run attribute as a column of `experiments.runs r`. */
export const RUN_COLUMNS: Record<RunAttribute, { sql: string; type: ColumnType; nullable: boolean }> = {
  run_id: { sql: 'r.id', type: 'uuid', nullable: false },
  run_name: { sql: 'r.name', type: 'text', nullable: true },
  status: { sql: 'r.status', type: 'text', nullable: false },
  artifact_uri: { sql: ARTIFACT_URI, type: 'text', nullable: false },
  user_id: { sql: 'r.user_id', type: 'uuid', nullable: true },
  start_time: { sql: 'r.start_time', type: 'timestamp', nullable: true },
  end_time: { sql: 'r.end_time', type: 'timestamp', nullable: true },
  experiment_id: { sql: 'r.experiment_id', type: 'uuid', nullable: false },
};

/** Where each key-value entity lives. */
export const RUN_CHILD_TABLES = {
  metric: { table: 'experiments.run_latest_metrics', alias: 'm', valueType: 'float' },
  param: { table: 'experiments.run_params', alias: 'p', valueType: 'text' },
  tag: { table: 'experiments.run_tags', alias: 't', valueType: 'text' },
} as const;

/**
 * The filter as one SQL boolean over `experiments.runs r` (TRUE when it has no clauses); metrics
 * compare the latest value (run_latest_metrics), as MLflow does. Values are `sql`'s parameters.
 */
export function compileRunFilter(filter: RunFilter, sql: SqlBuilder): string {
  if (filter.clauses.length === 0) return 'TRUE';
  return filter.clauses.map((clause) => `(${compileRunClause(clause, sql)})`).join(' AND ');
}

function compileRunClause(clause: RunFilterClause, sql: SqlBuilder): string {
  switch (clause.entity) {
    case 'metric':
    case 'param':
    case 'tag': {
      const { table, alias, valueType } = RUN_CHILD_TABLES[clause.entity];
      return compareKeyValue(table, alias, `${alias}.run_id = r.id`, clause, valueType, sql);
    }
    case 'attribute': {
      const column = RUN_COLUMNS[clause.key as RunAttribute];
      return compareColumn(column.sql, column.type, clause, sql);
    }
    case 'dataset':
      return `EXISTS (SELECT 1 FROM experiments.run_inputs i WHERE i.run_id = r.id AND ${compareText(
        datasetField(clause.key),
        clause.comparator,
        clause.value,
        sql,
      )})`;
  }
}

/** A dataset field of `run_inputs i`; the context is the input's `mlflow.data.context` tag (object or MLflow's key/value list). */
function datasetField(key: string): string {
  if (key !== 'context') return key === 'name' ? `(i.dataset->>'name')` : `(i.dataset->>'digest')`;
  return `COALESCE(i.tags->>'mlflow.data.context', (SELECT e->>'value' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(i.tags) = 'array' THEN i.tags ELSE '[]'::jsonb END) e WHERE e->>'key' = 'mlflow.data.context' LIMIT 1))`;
}
