import { randomUUID } from 'node:crypto';
import { ConflictError } from '@aitip/kit';
import type { Actor, ExperimentRecord, Page, SearchExperimentsInput, TrackingService } from '../tracking/api.js';
import {
  artifactLocationOf,
  assertExperimentActive,
  findExperiment,
  inOrg,
  type TrackingContext,
} from '../tracking/context.js';
import { checkExperimentName, checkKey, checkValue, doesNotExist, invalidParameter } from '../tracking/validate.js';
import { buildExperimentSearch } from '../search/index.js';
import { isUniqueViolation, rows } from '../sql.js';
import { runStore } from '../runs/run.store.js';
import { experimentStore, NOTE_TAG, type ExperimentStats } from './experiment.store.js';

type ExperimentMethods = Pick<
  TrackingService,
  | 'createExperiment'
  | 'getExperiment'
  | 'getExperimentByName'
  | 'searchExperiments'
  | 'updateExperiment'
  | 'deleteExperiment'
  | 'restoreExperiment'
  | 'setExperimentTag'
  | 'deleteExperimentTag'
>;

/** Experiments: MLflow's operations plus what the GraphQL API reads (several at once, key lists). */
export interface ExperimentService extends ExperimentMethods {
  /** The experiments among `ids` of the actor's organization, in one query (reference resolvers). */
  experimentsByIds(actor: Actor, ids: readonly string[]): Promise<ExperimentRecord[]>;
  experimentStats(actor: Actor, id: string): Promise<ExperimentStats>;
}

function checkTags(tags: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(tags)) checkValue('tag', checkKey('tag', key), value);
  return tags;
}

/** Renaming onto a taken name; says whether the holder is archived, since that is easy to miss. */
async function nameTaken(ctx: TrackingContext, actor: Actor, name: string): Promise<ConflictError> {
  const holder = await inOrg(ctx, actor, (m) => experimentStore.byName(m, actor.orgId, name));
  const archived = holder?.lifecycleStage === 'deleted';
  return new ConflictError(
    `Experiment(name=${name}) already exists${archived ? ' in the archived (deleted) state' : ''}. ${
      archived ? 'Restore it, or choose another name.' : 'Choose another name, or log to the existing experiment.'
    }`,
    { mlflowCode: 'RESOURCE_ALREADY_EXISTS', field: 'name', experimentId: holder?.id },
  );
}

export function experimentService(ctx: TrackingContext): ExperimentService {
  const get = (actor: Actor, id: string) => inOrg(ctx, actor, (m) => findExperiment(m, actor, id));

  return {
    async createExperiment(actor, input) {
      const name = checkExperimentName(input.name);
      const tags = checkTags({ ...(input.tags ?? {}) });
      if (input.artifactLocation) {
        throw invalidParameter(
          'AITIP keeps run artifacts in its own storage (mlflow-artifacts:/<experiment id>); create the experiment without an artifact location.',
          { field: 'artifact_location' },
        );
      }
      // MLflow keeps the description in a tag; both stay in step
      const description = input.description ?? tags[NOTE_TAG] ?? null;
      if (description !== null) tags[NOTE_TAG] = description;
      const id = randomUUID();
      try {
        await inOrg(ctx, actor, async (m) => {
          await experimentStore.insert(m, {
            id,
            orgId: actor.orgId,
            name,
            description,
            artifactLocation: artifactLocationOf(id),
            createdBy: actor.userId,
          });
          await experimentStore.setTags(m, actor.orgId, id, tags);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw await nameTaken(ctx, actor, name);
        throw err;
      }
      return get(actor, id);
    },

    getExperiment: get,

    async getExperimentByName(actor, name) {
      const found = await inOrg(ctx, actor, (m) => experimentStore.byName(m, actor.orgId, name));
      if (!found) throw doesNotExist(`Could not find experiment with name '${name}' in this organization.`);
      return found;
    },

    async searchExperiments(actor, input: SearchExperimentsInput): Promise<Page<ExperimentRecord>> {
      const search = buildExperimentSearch(input);
      return inOrg(ctx, actor, async (m) => {
        const found = await rows<Record<string, unknown>>(m, search.sql, search.params);
        const { ids, nextPageToken } = search.page(found);
        const experiments = await experimentStore.byIds(m, actor.orgId, ids);
        const byId = new Map(experiments.map((e) => [e.id, e]));
        return { items: ids.flatMap((id) => byId.get(id) ?? []), nextPageToken };
      });
    },

    async updateExperiment(actor, id, input) {
      const name = input.name === undefined ? undefined : checkExperimentName(input.name);
      try {
        await inOrg(ctx, actor, async (m) => {
          const experiment = await findExperiment(m, actor, id);
          assertExperimentActive(experiment);
          await experimentStore.update(m, actor.orgId, experiment.id, { name, description: input.description });
          if (input.description !== undefined) {
            if (input.description === null) await experimentStore.deleteTag(m, actor.orgId, experiment.id, NOTE_TAG);
            else await experimentStore.setTags(m, actor.orgId, experiment.id, { [NOTE_TAG]: input.description });
          }
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw await nameTaken(ctx, actor, name!);
        throw err;
      }
      return get(actor, id);
    },

    async deleteExperiment(actor, id) {
      // its runs stay (restorable with it); the ones still RUNNING are over
      const killed = await inOrg(ctx, actor, async (m) => {
        const experiment = await findExperiment(m, actor, id);
        await experimentStore.update(m, actor.orgId, experiment.id, { lifecycleStage: 'deleted' });
        const ended = await rows<{ id: string }>(
          m,
          `UPDATE experiments.runs SET status = 'KILLED', end_time = coalesce(end_time, now()), updated_at = now()
           WHERE experiment_id = $1 AND org_id = $2 AND status IN ('RUNNING', 'SCHEDULED') RETURNING id`,
          [experiment.id, actor.orgId],
        );
        return runStore.byIds(
          m,
          actor.orgId,
          ended.map((r) => r.id),
        );
      });
      for (const run of killed) {
        await ctx.live.run(run, 'updated');
        ctx.live.ended(run.orgId, run.id);
      }
    },

    async restoreExperiment(actor, id) {
      await inOrg(ctx, actor, async (m) => {
        const experiment = await findExperiment(m, actor, id);
        await experimentStore.update(m, actor.orgId, experiment.id, { lifecycleStage: 'active' });
      });
    },

    async setExperimentTag(actor, id, key, value) {
      checkValue('tag', checkKey('tag', key), value);
      await inOrg(ctx, actor, async (m) => {
        const experiment = await findExperiment(m, actor, id);
        assertExperimentActive(experiment);
        await experimentStore.setTags(m, actor.orgId, experiment.id, { [key]: value });
        if (key === NOTE_TAG) await experimentStore.update(m, actor.orgId, experiment.id, { description: value });
        else await experimentStore.update(m, actor.orgId, experiment.id, {});
      });
    },

    async deleteExperimentTag(actor, id, key) {
      await inOrg(ctx, actor, async (m) => {
        const experiment = await findExperiment(m, actor, id);
        assertExperimentActive(experiment);
        if (!(key in experiment.tags)) {
          throw doesNotExist(`No tag with name: ${key} in experiment with id ${experiment.id}.`);
        }
        await experimentStore.deleteTag(m, actor.orgId, experiment.id, key);
        await experimentStore.update(m, actor.orgId, experiment.id, key === NOTE_TAG ? { description: null } : {});
      });
    },

    experimentsByIds(actor, ids) {
      return inOrg(ctx, actor, (m) => experimentStore.byIds(m, actor.orgId, ids));
    },

    experimentStats(actor, id) {
      return inOrg(ctx, actor, async (m) =>
        experimentStore.stats(m, actor.orgId, (await findExperiment(m, actor, id)).id),
      );
    },
  };
}
