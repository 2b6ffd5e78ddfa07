import type { EntityManager } from 'typeorm';
import { isUuid } from '@aitip/kit';
import type { ExperimentRecord, LifecycleStage } from '../tracking/api.js';
import { rows, toDate } from '../sql.js';

/** MLflow's tag holding an experiment's (and a run's) description. */
export const NOTE_TAG = 'mlflow.note.content';

const SELECT = `
  SELECT e.id, e.org_id, e.name, e.description, e.artifact_location, e.lifecycle_stage, e.created_by,
    e.created_at, e.updated_at,
    (SELECT coalesce(jsonb_object_agg(t.key, t.value), '{}'::jsonb) FROM experiments.experiment_tags t
     WHERE t.experiment_id = e.id) AS tags
  FROM experiments.experiments e`;

interface ExperimentRow {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  tags: Record<string, string> | string;
}

function toExperiment(row: ExperimentRow): ExperimentRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage,
    tags: typeof row.tags === 'string' ? (JSON.parse(row.tags) as Record<string, string>) : row.tags,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at)!,
    updatedAt: toDate(row.updated_at)!,
  };
}

/** How many runs an experiment has and which keys they use (for column choosers). */
export interface ExperimentStats {
  runCount: number;
  paramKeys: string[];
  metricKeys: string[];
  tagKeys: string[];
}

/**
 * Experiment rows and their tags. Every method runs on the caller's tenant transaction (`inTenant`),
 * so row-level security already limits it to one organization; the explicit `org_id` filters are a
 * second guard.
 */
export const experimentStore = {
  async byIds(m: EntityManager, orgId: string, ids: readonly string[]): Promise<ExperimentRecord[]> {
    ids = ids.filter(isUuid);
    if (ids.length === 0) return [];
    const found = await rows<ExperimentRow>(m, `${SELECT} WHERE e.id = ANY($1::uuid[]) AND e.org_id = $2`, [
      ids,
      orgId,
    ]);
    return found.map(toExperiment);
  },

  async byName(m: EntityManager, orgId: string, name: string): Promise<ExperimentRecord | null> {
    const [row] = await rows<ExperimentRow>(m, `${SELECT} WHERE e.name = $1 AND e.org_id = $2`, [name, orgId]);
    return row ? toExperiment(row) : null;
  },

  async insert(
    m: EntityManager,
    row: {
      id: string;
      orgId: string;
      name: string;
      description: string | null;
      artifactLocation: string;
      createdBy: string | null;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO experiments.experiments (id, org_id, name, description, artifact_location, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [row.id, row.orgId, row.name, row.description, row.artifactLocation, row.createdBy],
    );
  },

  /** Sets the given columns (name, description, lifecycle_stage) and the update time. */
  async update(
    m: EntityManager,
    orgId: string,
    id: string,
    changes: { name?: string; description?: string | null; lifecycleStage?: LifecycleStage },
  ): Promise<void> {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [id, orgId];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (changes.name !== undefined) set('name', changes.name);
    if (changes.description !== undefined) set('description', changes.description);
    if (changes.lifecycleStage !== undefined) set('lifecycle_stage', changes.lifecycleStage);
    await m.query(`UPDATE experiments.experiments SET ${sets.join(', ')} WHERE id = $1 AND org_id = $2`, params);
  },

  async setTags(m: EntityManager, orgId: string, id: string, tags: Record<string, string>): Promise<void> {
    const keys = Object.keys(tags);
    if (keys.length === 0) return;
    await m.query(
      `INSERT INTO experiments.experiment_tags (experiment_id, org_id, key, value)
       SELECT $1, $2, k, v FROM unnest($3::text[], $4::text[]) AS u(k, v)
       ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value`,
      [id, orgId, keys, keys.map((k) => tags[k])],
    );
  },

  async deleteTag(m: EntityManager, orgId: string, id: string, key: string): Promise<void> {
    await m.query(`DELETE FROM experiments.experiment_tags WHERE experiment_id = $1 AND org_id = $2 AND key = $3`, [
      id,
      orgId,
      key,
    ]);
  },

  async stats(m: EntityManager, orgId: string, id: string): Promise<ExperimentStats> {
    const [row] = await rows<{ run_count: number; param_keys: string[]; metric_keys: string[]; tag_keys: string[] }>(
      m,
      `SELECT
         (SELECT count(*) FROM experiments.runs r WHERE r.experiment_id = $1 AND r.org_id = $2
            AND r.lifecycle_stage = 'active')::int AS run_count,
         array(SELECT DISTINCT p.key FROM experiments.run_params p JOIN experiments.runs r ON r.id = p.run_id
               WHERE r.experiment_id = $1 AND r.org_id = $2 ORDER BY 1) AS param_keys,
         array(SELECT DISTINCT l.key FROM experiments.run_latest_metrics l JOIN experiments.runs r ON r.id = l.run_id
               WHERE r.experiment_id = $1 AND r.org_id = $2 ORDER BY 1) AS metric_keys,
         array(SELECT DISTINCT t.key FROM experiments.run_tags t JOIN experiments.runs r ON r.id = t.run_id
               WHERE r.experiment_id = $1 AND r.org_id = $2 ORDER BY 1) AS tag_keys`,
      [id, orgId],
    );
    return {
      runCount: Number(row?.run_count ?? 0),
      paramKeys: row?.param_keys ?? [],
      metricKeys: row?.metric_keys ?? [],
      tagKeys: row?.tag_keys ?? [],
    };
  },
};
