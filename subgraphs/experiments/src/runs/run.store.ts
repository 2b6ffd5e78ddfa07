import type { EntityManager } from 'typeorm';
import { isUuid } from '@aitip/kit';
import type {
  DatasetInput,
  LifecycleStage,
  MetricSummary,
  RunRecord,
  RunStatus,
  RunWithData,
} from '../tracking/api.js';
import { rows, toDate, toNumber } from '../sql.js';

const SELECT = `
  SELECT r.id, r.org_id, r.experiment_id, r.name, r.status, r.start_time, r.end_time, r.user_id, r.source_job_id,
    r.parent_run_id, r.lifecycle_stage, r.created_at, r.updated_at,
    e.artifact_location || '/' || r.id || '/artifacts' AS artifact_uri,
    e.lifecycle_stage AS experiment_stage
  FROM experiments.runs r JOIN experiments.experiments e ON e.id = r.experiment_id`;

interface RunRow {
  id: string;
  org_id: string;
  experiment_id: string;
  name: string | null;
  status: RunStatus;
  start_time: Date | null;
  end_time: Date | null;
  user_id: string | null;
  source_job_id: string | null;
  parent_run_id: string | null;
  lifecycle_stage: LifecycleStage;
  created_at: Date;
  updated_at: Date;
  artifact_uri: string;
  experiment_stage: LifecycleStage;
}

/** A run with the lifecycle stage of its experiment (writes to runs of an archived experiment are refused). */
export type StoredRun = RunRecord & { experimentStage: LifecycleStage };

function toRun(row: RunRow): StoredRun {
  return {
    id: row.id,
    orgId: row.org_id,
    experimentId: row.experiment_id,
    name: row.name,
    status: row.status,
    startTime: toDate(row.start_time),
    endTime: toDate(row.end_time),
    userId: row.user_id,
    sourceJobId: row.source_job_id,
    parentRunId: row.parent_run_id,
    lifecycleStage: row.lifecycle_stage,
    artifactUri: row.artifact_uri,
    createdAt: toDate(row.created_at)!,
    updatedAt: toDate(row.updated_at)!,
    experimentStage: row.experiment_stage,
  };
}

/** Drops the store-only field, so records handed out match the service's types exactly. */
export function publicRun(run: StoredRun): RunRecord {
  const { experimentStage: _stage, ...record } = run;
  return record;
}

interface LatestMetricRow {
  run_id: string;
  key: string;
  value: number | string;
  step: string | number;
  ms: number | string;
  min_value: number | string | null;
  max_value: number | string | null;
  point_count: string | number;
}

/**
 * Run rows and what hangs off them (params, tags, latest metrics, inputs). Every method runs on the
 * caller's tenant transaction; the `org_id` filters are a second guard besides row-level security.
 */
export const runStore = {
  /** The runs among `ids` (non-ids skipped), in the order asked. */
  async byIds(m: EntityManager, orgId: string, ids: readonly string[]): Promise<StoredRun[]> {
    ids = ids.filter(isUuid);
    if (ids.length === 0) return [];
    const found = await rows<RunRow>(m, `${SELECT} WHERE r.id = ANY($1::uuid[]) AND r.org_id = $2`, [ids, orgId]);
    const byId = new Map(found.map((row) => [row.id, toRun(row)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  },

  async children(m: EntityManager, orgId: string, parentId: string): Promise<StoredRun[]> {
    const found = await rows<RunRow>(
      m,
      `${SELECT} WHERE r.parent_run_id = $1 AND r.org_id = $2 ORDER BY r.start_time DESC NULLS LAST, r.id`,
      [parentId, orgId],
    );
    return found.map(toRun);
  },

  async insert(
    m: EntityManager,
    row: {
      id: string;
      orgId: string;
      experimentId: string;
      name: string;
      status: RunStatus;
      startTime: Date;
      userId: string | null;
      sourceJobId: string | null;
      parentRunId: string | null;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO experiments.runs (id, org_id, experiment_id, name, status, start_time, user_id, source_job_id,
         parent_run_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        row.id,
        row.orgId,
        row.experimentId,
        row.name,
        row.status,
        row.startTime,
        row.userId,
        row.sourceJobId,
        row.parentRunId,
      ],
    );
  },

  /** Sets the given columns and the update time. */
  async update(
    m: EntityManager,
    orgId: string,
    id: string,
    changes: { name?: string | null; status?: RunStatus; endTime?: Date | null; lifecycleStage?: LifecycleStage },
  ): Promise<void> {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [id, orgId];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (changes.name !== undefined) set('name', changes.name);
    if (changes.status !== undefined) set('status', changes.status);
    if (changes.endTime !== undefined) set('end_time', changes.endTime);
    if (changes.lifecycleStage !== undefined) set('lifecycle_stage', changes.lifecycleStage);
    await m.query(`UPDATE experiments.runs SET ${sets.join(', ')} WHERE id = $1 AND org_id = $2`, params);
  },

  /** Upserts tags (one statement). */
  async setTags(m: EntityManager, orgId: string, runId: string, tags: ReadonlyArray<{ key: string; value: string }>) {
    if (tags.length === 0) return;
    await m.query(
      `INSERT INTO experiments.run_tags (run_id, org_id, key, value)
       SELECT $1, $2, k, v FROM unnest($3::text[], $4::text[]) AS u(k, v) ORDER BY k
       ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value`,
      [runId, orgId, tags.map((t) => t.key), tags.map((t) => t.value)],
    );
  },

  async deleteTag(m: EntityManager, orgId: string, runId: string, key: string): Promise<boolean> {
    const deleted = await rows<{ key: string }>(
      m,
      `DELETE FROM experiments.run_tags WHERE run_id = $1 AND org_id = $2 AND key = $3 RETURNING key`,
      [runId, orgId, key],
    );
    return deleted.length > 0;
  },

  /**
   * Inserts params that are new and returns the stored value of every key that was already there,
   * so the caller can refuse a changed value (params are write-once).
   */
  async insertParams(
    m: EntityManager,
    orgId: string,
    runId: string,
    params: ReadonlyArray<{ key: string; value: string }>,
  ): Promise<Map<string, string>> {
    if (params.length === 0) return new Map();
    const keys = params.map((p) => p.key);
    await m.query(
      `INSERT INTO experiments.run_params (run_id, org_id, key, value)
       SELECT $1, $2, k, v FROM unnest($3::text[], $4::text[]) AS u(k, v) ORDER BY k
       ON CONFLICT (run_id, key) DO NOTHING`,
      [runId, orgId, keys, params.map((p) => p.value)],
    );
    const stored = await rows<{ key: string; value: string }>(
      m,
      `SELECT key, value FROM experiments.run_params WHERE run_id = $1 AND org_id = $2 AND key = ANY($3::text[])`,
      [runId, orgId, keys],
    );
    return new Map(stored.map((p) => [p.key, p.value]));
  },

  async insertInputs(m: EntityManager, orgId: string, runId: string, inputs: readonly DatasetInput[]): Promise<void> {
    if (inputs.length === 0) return;
    await m.query(
      `INSERT INTO experiments.run_inputs (run_id, org_id, dataset, tags)
       SELECT $1, $2, d, t FROM unnest($3::jsonb[], $4::jsonb[]) WITH ORDINALITY AS u(d, t, n) ORDER BY n`,
      [
        runId,
        orgId,
        inputs.map(({ tags: _tags, ...dataset }) => JSON.stringify(dataset)),
        inputs.map((input) => JSON.stringify(input.tags)),
      ],
    );
  },

  /** Params, tags, latest metrics and inputs of many runs, in four queries. */
  async withData(m: EntityManager, orgId: string, runs: readonly StoredRun[]): Promise<RunWithData[]> {
    if (runs.length === 0) return [];
    const ids = runs.map((r) => r.id);
    const args = [ids, orgId];
    // one after another: the queries share the transaction's connection
    const params = await rows<{ run_id: string; key: string; value: string }>(
      m,
      `SELECT run_id, key, value FROM experiments.run_params WHERE run_id = ANY($1::uuid[]) AND org_id = $2
         ORDER BY key`,
      args,
    );
    const tags = await rows<{ run_id: string; key: string; value: string }>(
      m,
      `SELECT run_id, key, value FROM experiments.run_tags WHERE run_id = ANY($1::uuid[]) AND org_id = $2
         ORDER BY key`,
      args,
    );
    const metrics = await rows<LatestMetricRow>(
      m,
      `SELECT run_id, key, value, step, round(extract(epoch FROM recorded_at) * 1000)::float8 AS ms, min_value,
           max_value, point_count
         FROM experiments.run_latest_metrics WHERE run_id = ANY($1::uuid[]) AND org_id = $2 ORDER BY key`,
      args,
    );
    const inputs = await rows<{
      run_id: string;
      dataset: DatasetInput | string;
      tags: Record<string, string> | string;
    }>(
      m,
      `SELECT run_id, dataset, tags FROM experiments.run_inputs WHERE run_id = ANY($1::uuid[]) AND org_id = $2
         ORDER BY created_at, id`,
      args,
    );
    const data = new Map(
      ids.map((id) => [
        id,
        {
          params: {} as Record<string, string>,
          tags: {} as Record<string, string>,
          metrics: [] as MetricSummary[],
          inputs: [] as DatasetInput[],
        },
      ]),
    );
    for (const p of params) data.get(p.run_id)!.params[p.key] = p.value;
    for (const t of tags) data.get(t.run_id)!.tags[t.key] = t.value;
    for (const l of metrics) data.get(l.run_id)!.metrics.push(toSummary(l));
    for (const i of inputs) {
      const dataset = json<DatasetInput>(i.dataset);
      data.get(i.run_id)!.inputs.push({ ...dataset, tags: json<Record<string, string>>(i.tags) });
    }
    return runs.map((run) => ({ ...publicRun(run), ...data.get(run.id)! }));
  },
};

function toSummary(row: LatestMetricRow): MetricSummary {
  return {
    key: row.key,
    value: toNumber(row.value),
    step: Number(row.step),
    timestamp: toNumber(row.ms),
    // no finite point yet: NaN, which GraphQL shows as null
    min: row.min_value === null ? NaN : toNumber(row.min_value),
    max: row.max_value === null ? NaN : toNumber(row.max_value),
    count: Number(row.point_count),
  };
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
