import { buildFederatedSchema, type SubgraphDefinition, type SubgraphDependencies } from '@aitip/kit';
import { TrainingInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { TrainingTenantIsolation20261126100000 } from '../migrations/20261126100000-tenant-isolation.js';
import { TrainingJobLifecycle20261127100000 } from '../migrations/20261127100000-job-lifecycle.js';
import { CodeArchives } from './code-archives/code-archives.js';
import { codeArchiveUploadRoute } from './code-archives/upload.route.js';
import { JobFeedsResolver, trainingPubSub } from './jobs/job-feeds.resolver.js';
import { trainingJobReference } from './jobs/training-job.reference.js';
import { TrainingJobResolver } from './jobs/training-job.resolver.js';
import { trainingServices, type TrainingServices } from './services.js';
import { trainingSettingsSchema } from './settings.js';
import { startAttemptsWorker } from './workers/attempts.worker.js';
import { startLostAttemptsLoop } from './workers/lost-attempts.js';

/** The services of `deps`, their job service told where code archives are kept. */
function servicesWithArchives(deps: SubgraphDependencies): TrainingServices {
  const s = trainingServices(deps);
  s.jobs.useCodeArchives(new CodeArchives(deps.resources.blob));
  return s;
}

/** The training subgraph: TrainingJob (spec, status, attempts, workers, logs, artifacts). */
export const trainingSubgraph: SubgraphDefinition = {
  name: 'training',
  defaultPort: 4103,
  // every table is read and written with SQL in the store; no typeorm entities
  entities: [],
  migrations: [
    TrainingInitial20261126000000,
    TrainingTenantIsolation20261126100000,
    TrainingJobLifecycle20261127100000,
  ],
  settingsSchema: trainingSettingsSchema,
  async schema(deps) {
    const s = deps && servicesWithArchives(deps);
    return buildFederatedSchema({
      resolvers: [TrainingJobResolver, JobFeedsResolver],
      resolverInstances: s && [new TrainingJobResolver(s.jobs), new JobFeedsResolver()],
      // jobEvents and jobLogs tail bus streams
      buildOptions: {
        pubSub: trainingPubSub(
          deps?.resources.bus,
          s && deps && { attempts: (orgId, jobId) => s.store.attempts(orgId, jobId), blob: deps.resources.blob },
        ),
      },
      referenceResolvers: s && { TrainingJob: trainingJobReference(s.store) },
    });
  },
  routes(deps) {
    const s = servicesWithArchives(deps);
    const maxBytes = s.settings.TRAINING_CODE_ARCHIVE_MAX_MIB * 1024 * 1024;
    return [codeArchiveUploadRoute(new CodeArchives(deps.resources.blob), maxBytes)];
  },
  async workers(deps) {
    const s = servicesWithArchives(deps);
    const { bus, queue, blob } = deps.resources;
    const worker = s.settings.TRAINING_WORKER
      ? await startAttemptsWorker({
          lifecycle: s.lifecycle,
          jobs: s.jobs,
          executors: s.executors,
          experiments: s.experiments,
          datasets: s.datasets,
          workloadKeys: s.workloadKeys,
          bus,
          queue,
          blob,
          settings: s.settings,
          log: deps.logger.child({ worker: 'training-attempts' }),
          workRoot: s.workRoot,
        })
      : undefined;
    const lost = startLostAttemptsLoop(s.lifecycle, s.jobs, s.executors, s.settings, deps.logger);
    return {
      async stop() {
        await lost.stop();
        await worker?.stop();
      },
    };
  },
};
