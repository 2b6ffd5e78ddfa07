import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { ForbiddenError, inTenant, isUuid, type BlobStore, type Logger } from '@aitip/kit';
import type { ExperimentsSettings } from '../settings.js';
import { experimentStore } from '../experiments/experiment.store.js';
import { runStore, type StoredRun } from '../runs/run.store.js';
import type { Actor, ExperimentRecord } from './api.js';
import type { LiveFeeds } from './live.js';
import { doesNotExist, invalidParameter } from './validate.js';

/** MLflow's id of the experiment runs go to when a client names none. */
export const DEFAULT_EXPERIMENT_ID = '0';
/** The name of the organization's experiment that stands for MLflow's experiment `0`. */
export const DEFAULT_EXPERIMENT_NAME = 'Default';

/** What every part of the tracking service works with. */
export interface TrackingContext {
  db: DataSource;
  blob: BlobStore;
  live: LiveFeeds;
  settings: ExperimentsSettings;
  log: Logger;
}

/** Runs `work` in one transaction that sees only the actor's organization (row-level security). */
export function inOrg<T>(ctx: TrackingContext, actor: Actor, work: (m: EntityManager) => Promise<T>): Promise<T> {
  return inTenant(ctx.db, orgOf(actor), work);
}

/** The actor's organization id, checked. */
export function orgOf(actor: Actor): string {
  if (!isUuid(actor.orgId)) throw new ForbiddenError(`"${actor.orgId}" is not an organization id.`);
  return actor.orgId;
}

/** `mlflow-artifacts:/<experimentId>`: the artifact proxy serves what lies under it. */
export const artifactLocationOf = (experimentId: string) => `mlflow-artifacts:/${experimentId}`;

/** The experiment `id` of the actor's organization (archived ones too), or RESOURCE_DOES_NOT_EXIST. */
export async function findExperiment(m: EntityManager, actor: Actor, id: string): Promise<ExperimentRecord> {
  if (id === DEFAULT_EXPERIMENT_ID) return defaultExperiment(m, actor);
  const [found] = isUuid(id) ? await experimentStore.byIds(m, actor.orgId, [id]) : [];
  if (!found) throw doesNotExist(`No Experiment with id=${id} exists in this organization.`);
  return found;
}

/**
 * The organization's `Default` experiment, made on first use: MLflow clients that set no experiment
 * log to experiment `0`.
 */
async function defaultExperiment(m: EntityManager, actor: Actor): Promise<ExperimentRecord> {
  const existing = await experimentStore.byName(m, actor.orgId, DEFAULT_EXPERIMENT_NAME);
  if (existing) return existing;
  const id = randomUUID();
  await m.query(
    `INSERT INTO experiments.experiments (id, org_id, name, artifact_location, created_by)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, name) DO NOTHING`,
    [id, actor.orgId, DEFAULT_EXPERIMENT_NAME, artifactLocationOf(id), actor.userId],
  );
  return (await experimentStore.byName(m, actor.orgId, DEFAULT_EXPERIMENT_NAME))!;
}

/** The run `id` of the actor's organization (deleted ones too), or RESOURCE_DOES_NOT_EXIST. */
export async function findRun(m: EntityManager, actor: Actor, id: string): Promise<StoredRun> {
  const [found] = isUuid(id) ? await runStore.byIds(m, actor.orgId, [id]) : [];
  if (!found) throw doesNotExist(`Run with id=${id} not found in this organization.`);
  return found;
}

/** Refuses writes to a deleted run, or to a run of an archived experiment, as MLflow does. */
export function assertRunWritable(run: StoredRun): void {
  if (run.lifecycleStage !== 'active') {
    throw invalidParameter(
      `The run ${run.id} must be in the 'active' state. Current state is ${run.lifecycleStage}. Restore it first.`,
    );
  }
  if (run.experimentStage !== 'active') {
    throw invalidParameter(
      `The experiment ${run.experimentId} of run ${run.id} must be in the 'active' state. Current state is ${run.experimentStage}. Restore the experiment to write to its runs.`,
    );
  }
}

/** Refuses changes to an archived experiment, as MLflow does. */
export function assertExperimentActive(experiment: ExperimentRecord): void {
  if (experiment.lifecycleStage !== 'active') {
    throw invalidParameter(
      `The experiment ${experiment.id} must be in the 'active' state. Current state is ${experiment.lifecycleStage}. Restore it first.`,
    );
  }
}
