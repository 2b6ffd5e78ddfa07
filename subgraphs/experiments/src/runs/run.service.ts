import { randomInt, randomUUID } from 'node:crypto';
import { isUuid } from '@aitip/kit';
import type {
  Actor,
  DatasetInput,
  MetricInput,
  Page,
  RunRecord,
  RunWithData,
  SearchRunsInput,
  TrackingService,
} from '../tracking/api.js';
import {
  assertExperimentActive,
  assertRunWritable,
  findExperiment,
  findRun,
  inOrg,
  orgOf,
  type TrackingContext,
} from '../tracking/context.js';
import {
  checkBatchLimits,
  checkKey,
  checkMetric,
  checkStatus,
  checkValue,
  doesNotExist,
  invalidParameter,
  TERMINAL_STATUSES,
} from '../tracking/validate.js';
import { buildRunSearch } from '../search/index.js';
import { metricStore } from '../metrics/metric.store.js';
import { rows } from '../sql.js';
import { publicRun, runStore, type StoredRun } from './run.store.js';

/** MLflow's tags that mirror run attributes. */
export const RUN_NAME_TAG = 'mlflow.runName';
export const PARENT_RUN_TAG = 'mlflow.parentRunId';
/** The tag a training job's run carries so the run links back to the job (see docs/experiments.md). */
export const SOURCE_JOB_TAG = 'aitip.sourceJobId';

type RunMethods = Pick<
  TrackingService,
  | 'createRun'
  | 'getRun'
  | 'updateRun'
  | 'deleteRun'
  | 'restoreRun'
  | 'logBatch'
  | 'deleteTag'
  | 'logInputs'
  | 'searchRuns'
>;

/** Runs: MLflow's operations plus what the GraphQL API reads (several at once, nested runs). */
export interface RunService extends RunMethods {
  runsByIds(actor: Actor, ids: readonly string[]): Promise<RunWithData[]>;
  childRuns(actor: Actor, parentId: string): Promise<RunWithData[]>;
}

type KeyValue = { key: string; value: string };

function checkTags(tags: readonly KeyValue[]): KeyValue[] {
  return tags.map((t) => ({ key: t.key, value: checkValue('tag', checkKey('tag', t.key), t.value) }));
}

/** Params as a list, each checked; a key given twice with different values is refused, as MLflow does. */
function checkParams(params: Record<string, string> | readonly KeyValue[] | undefined): KeyValue[] {
  const list = Array.isArray(params)
    ? (params as readonly KeyValue[])
    : Object.entries(params ?? {}).map(([key, value]) => ({ key, value }));
  const byKey = new Map<string, string>();
  const clashing = new Set<string>();
  for (const p of list) {
    const value = checkValue('param', checkKey('param', p.key), p.value);
    const seen = byKey.get(p.key);
    if (seen !== undefined && seen !== value) clashing.add(p.key);
    byKey.set(p.key, value);
  }
  if (clashing.size > 0) {
    throw invalidParameter(
      `Duplicate parameter keys have been submitted: [${[...clashing].map((k) => `'${k}'`).join(', ')}]. Please ensure the request contains only one param value per param key.`,
    );
  }
  return [...byKey].map(([key, value]) => ({ key, value }));
}

const ADJECTIVES = ['amazing', 'bold', 'calm', 'clever', 'gentle', 'keen', 'lucky', 'merry', 'quiet', 'swift'];
const NOUNS = ['bat', 'crane', 'fox', 'hare', 'lark', 'mole', 'owl', 'seal', 'trout', 'wren'];

/** A readable name for a run created without one, as MLflow's server gives (`swift-owl-123`). */
function generatedRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}

export function runService(ctx: TrackingContext): RunService {
  const withData = (actor: Actor, runs: StoredRun[]) =>
    inOrg(ctx, actor, (m) => runStore.withData(m, actor.orgId, runs));

  const getRun = async (actor: Actor, id: string): Promise<RunWithData> =>
    inOrg(ctx, actor, async (m) => (await runStore.withData(m, actor.orgId, [await findRun(m, actor, id)]))[0]!);

  /** Sets lifecycle_stage and tells runUpdated subscribers. */
  const setStage = async (actor: Actor, id: string, stage: 'active' | 'deleted') => {
    const run = await inOrg(ctx, actor, async (m) => {
      const found = await findRun(m, actor, id);
      if (found.lifecycleStage === stage) return null;
      await runStore.update(m, actor.orgId, found.id, { lifecycleStage: stage });
      return { ...found, lifecycleStage: stage };
    });
    if (!run) return;
    await ctx.live.run(run, stage === 'deleted' ? 'deleted' : 'restored');
    if (stage === 'deleted') ctx.live.ended(run.orgId, run.id);
  };

  return {
    async createRun(actor, input) {
      const tags = checkTags(Object.entries(input.tags ?? {}).map(([key, value]) => ({ key, value })));
      const tagOf = (key: string) => tags.find((t) => t.key === key)?.value;
      const taggedName = tagOf(RUN_NAME_TAG);
      if (input.name && taggedName !== undefined && taggedName !== input.name) {
        throw invalidParameter(
          `Both 'run_name' argument and '${RUN_NAME_TAG}' tag are specified, but with different values (run_name='${input.name}', ${RUN_NAME_TAG}='${taggedName}').`,
        );
      }
      const name = input.name || taggedName || generatedRunName();
      const parentHint = input.parentRunId ?? tagOf(PARENT_RUN_TAG);
      const jobHint = input.sourceJobId ?? tagOf(SOURCE_JOB_TAG);
      const id = randomUUID();
      const run = await inOrg(ctx, actor, async (m) => {
        const experiment = await findExperiment(m, actor, input.experimentId);
        assertExperimentActive(experiment);
        let parentRunId: string | null = null;
        if (parentHint) {
          const [parent] = await runStore.byIds(m, actor.orgId, [parentHint]);
          if (parent) parentRunId = parent.id;
          else if (input.parentRunId) throw doesNotExist(`Parent run with id=${input.parentRunId} not found.`);
        }
        if (input.sourceJobId && !isUuid(input.sourceJobId)) {
          throw invalidParameter(`"${input.sourceJobId}" is not a training job id.`, { field: 'sourceJobId' });
        }
        await runStore.insert(m, {
          id,
          orgId: actor.orgId,
          experimentId: experiment.id,
          name,
          status: 'RUNNING',
          startTime: input.startTime ?? new Date(),
          userId: actor.userId,
          sourceJobId: jobHint && isUuid(jobHint) ? jobHint : null,
          parentRunId,
        });
        const mirrored = [{ key: RUN_NAME_TAG, value: name }];
        if (parentRunId) mirrored.push({ key: PARENT_RUN_TAG, value: parentRunId });
        await runStore.setTags(m, actor.orgId, id, [
          ...tags.filter((t) => !mirroredKey(t.key, parentRunId)),
          ...mirrored,
        ]);
        return (await runStore.withData(m, actor.orgId, [await findRun(m, actor, id)]))[0]!;
      });
      await ctx.live.run(run, 'created');
      return run;
    },

    getRun,

    async updateRun(actor, id, input): Promise<RunRecord> {
      const status = input.status === undefined ? undefined : checkStatus(input.status);
      const run = await inOrg(ctx, actor, async (m) => {
        const found = await findRun(m, actor, id);
        if (found.lifecycleStage !== 'active') assertRunWritable(found);
        let endTime = input.endTime;
        if (endTime === undefined && status && TERMINAL_STATUSES.has(status) && !found.endTime) endTime = new Date();
        const name = input.name === null ? undefined : input.name || undefined;
        await runStore.update(m, actor.orgId, found.id, { status, endTime, name });
        if (name) await runStore.setTags(m, actor.orgId, found.id, [{ key: RUN_NAME_TAG, value: name }]);
        return publicRun(await findRun(m, actor, found.id));
      });
      await ctx.live.run(run, 'updated');
      if (status && TERMINAL_STATUSES.has(status)) ctx.live.ended(run.orgId, run.id);
      return run;
    },

    deleteRun: (actor, id) => setStage(actor, id, 'deleted'),
    restoreRun: (actor, id) => setStage(actor, id, 'active'),

    async logBatch(actor, runId, batch) {
      const metricsIn = batch.metrics ?? [];
      const paramsIn = batch.params ?? [];
      const tagsIn = batch.tags ?? [];
      const paramCount = Array.isArray(paramsIn) ? paramsIn.length : Object.keys(paramsIn).length;
      checkBatchLimits(metricsIn.length, paramCount, tagsIn.length);
      const checkedKeys = new Set<string>();
      const metrics: MetricInput[] = metricsIn.map((metric) => checkMetric(metric, checkedKeys));
      const params = checkParams(paramsIn);
      const tags = checkTags(tagsIn);
      // the ingestion path: metrics alone go in one statement that checks the run as it writes; when
      // it wrote nothing, the full path below finds out why (and says so)
      if (metrics.length > 0 && params.length === 0 && tags.length === 0 && isUuid(runId)) {
        const written = await metricStore.appendAlone(ctx.db, orgOf(actor), runId, metrics);
        if (written) {
          await ctx.live.metrics(actor.orgId, runId, metrics);
          return;
        }
      }
      const run = await inOrg(ctx, actor, async (m) => {
        const found = await findRun(m, actor, runId);
        assertRunWritable(found);
        const stored = await runStore.insertParams(m, actor.orgId, found.id, params);
        for (const p of params) {
          const old = stored.get(p.key);
          if (old !== undefined && old !== p.value) {
            throw invalidParameter(
              `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}' for run ID='${found.id}'. Attempted logging new value '${p.value}'.`,
              { key: p.key, oldValue: old, newValue: p.value },
            );
          }
        }
        if (metrics.length > 0 && !(await metricStore.append(m, actor.orgId, found.id, metrics))) {
          // deleted, or its experiment archived, by another call since it was looked up
          throw invalidParameter(`The run ${found.id} is no longer active; restore it to log to it.`);
        }
        await runStore.setTags(m, actor.orgId, found.id, tags);
        const renamed = tags.findLast((t) => t.key === RUN_NAME_TAG);
        if (renamed) await runStore.update(m, actor.orgId, found.id, { name: renamed.value });
        return renamed ? { ...found, name: renamed.value } : null;
      });
      await ctx.live.metrics(actor.orgId, runId, metrics);
      if (run) await ctx.live.run(publicRun(run), 'updated');
    },

    async deleteTag(actor, runId, key) {
      await inOrg(ctx, actor, async (m) => {
        const run = await findRun(m, actor, runId);
        assertRunWritable(run);
        if (!(await runStore.deleteTag(m, actor.orgId, run.id, key))) {
          throw doesNotExist(`No tag with name: ${key} in run with id ${run.id}.`);
        }
      });
    },

    async logInputs(actor, runId, datasets) {
      const checked = datasets.map(checkDatasetInput);
      await inOrg(ctx, actor, async (m) => {
        const run = await findRun(m, actor, runId);
        assertRunWritable(run);
        const existing = await rows<{ name: string; digest: string }>(
          m,
          `SELECT dataset->>'name' AS name, dataset->>'digest' AS digest FROM experiments.run_inputs
           WHERE run_id = $1 AND org_id = $2`,
          [run.id, actor.orgId],
        );
        const seen = new Set(existing.map((e) => `${e.name}\n${e.digest}`));
        const fresh = checked.filter((d) => {
          const key = `${d.name}\n${d.digest}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        await runStore.insertInputs(m, actor.orgId, run.id, fresh);
      });
    },

    async searchRuns(actor, input: SearchRunsInput): Promise<Page<RunWithData>> {
      const search = buildRunSearch(input);
      return inOrg(ctx, actor, async (m) => {
        const found = await rows<Record<string, unknown>>(m, search.sql, search.params);
        const { ids, nextPageToken } = search.page(found);
        const runs = await runStore.byIds(m, actor.orgId, ids);
        return { items: await runStore.withData(m, actor.orgId, runs), nextPageToken };
      });
    },

    async runsByIds(actor, ids) {
      return inOrg(ctx, actor, async (m) =>
        runStore.withData(m, actor.orgId, await runStore.byIds(m, actor.orgId, ids)),
      );
    },

    async childRuns(actor, parentId) {
      if (!isUuid(parentId)) return [];
      return withData(actor, await inOrg(ctx, actor, (m) => runStore.children(m, actor.orgId, parentId)));
    },
  };
}

/** Tags the service writes itself from the run's attributes; a client's own values for them are replaced. */
function mirroredKey(key: string, parentRunId: string | null): boolean {
  return key === RUN_NAME_TAG || (parentRunId !== null && key === PARENT_RUN_TAG);
}

function checkDatasetInput(input: DatasetInput): DatasetInput {
  for (const field of ['name', 'digest', 'sourceType', 'source'] as const) {
    if (typeof input[field] !== 'string' || input[field] === '') {
      throw invalidParameter(`A dataset input needs a non-empty '${field}'.`, { field });
    }
  }
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.tags ?? {}))
    tags[checkKey('tag', key)] = checkValue('tag', key, value);
  return {
    name: input.name,
    digest: input.digest,
    sourceType: input.sourceType,
    source: input.source,
    ...(input.schema !== undefined ? { schema: input.schema } : {}),
    ...(input.profile !== undefined ? { profile: input.profile } : {}),
    tags,
  };
}
