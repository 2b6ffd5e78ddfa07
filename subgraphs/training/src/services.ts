import { join, resolve } from 'node:path';
import { resolveInternalSecret, subgraphServedHere, type SubgraphDependencies } from '@aitip/kit';
import { DatasetsClient } from './jobs/datasets-client.js';
import { ExperimentsClient } from './jobs/experiments-client.js';
import { Executors } from './jobs/execution-plan.js';
import { JobLifecycle } from './jobs/job-lifecycle.js';
import { TrainingJobService } from './jobs/training-job.service.js';
import { TrainingJobStore } from './jobs/training-job.store.js';
import { WorkloadKeysClient } from './jobs/workload-keys-client.js';
import type { TrainingSettings } from './settings.js';

/** The training subgraph's services over one database, made once per process. */
export interface TrainingServices {
  settings: TrainingSettings;
  store: TrainingJobStore;
  lifecycle: JobLifecycle;
  jobs: TrainingJobService;
  executors: Executors;
  experiments: ExperimentsClient;
  datasets: DatasetsClient;
  /** Issues each attempt's MLFLOW_TRACKING_TOKEN. */
  workloadKeys: WorkloadKeysClient;
  /** Where attempts get their directories on this machine. */
  workRoot: string;
}

const made = new WeakMap<SubgraphDependencies['db'], TrainingServices>();

/** The services of `deps` (the schema, routes and workers share one set). */
export function trainingServices(deps: SubgraphDependencies): TrainingServices {
  const existing = made.get(deps.db);
  if (existing) return existing;
  const settings = deps.settings as TrainingSettings;
  const { bus, queue } = deps.resources;
  const store = new TrainingJobStore(deps.db);
  const lifecycle = new JobLifecycle(store, bus, queue, settings, deps.logger);
  const executors = new Executors(settings);
  const internalSecret = resolveInternalSecret(settings.AITIP_INTERNAL_SECRET, settings.AITIP_DATA_DIR);
  // distributed mode names the experiments subgraph's address; all-in-one serves it in this process
  const experiments = new ExperimentsClient(
    () => settings.TRAINING_EXPERIMENTS_URL ?? subgraphServedHere('experiments'),
    internalSecret,
  );
  const datasets = new DatasetsClient(
    () => settings.TRAINING_DATASETS_URL ?? subgraphServedHere('datasets'),
    internalSecret,
  );
  const workloadKeys = new WorkloadKeysClient(
    () => settings.TRAINING_USERS_URL ?? subgraphServedHere('users'),
    internalSecret,
  );
  const jobs = new TrainingJobService(lifecycle, executors, experiments, datasets, bus, settings, deps.logger);
  const services: TrainingServices = {
    settings,
    store,
    lifecycle,
    jobs,
    executors,
    experiments,
    datasets,
    workloadKeys,
    workRoot: join(resolve(settings.AITIP_DATA_DIR), 'training'),
  };
  made.set(deps.db, services);
  return services;
}
