import { buildFederatedSchema, type SubgraphDefinition } from '@aitip/kit';
import { TrainingInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { TrainingTenantIsolation20261126100000 } from '../migrations/20261126100000-tenant-isolation.js';
import { TrainingJobEntity } from './jobs/training-job.entity.js';
import { trainingJobReference } from './jobs/training-job.reference.js';
import { TrainingJobResolver } from './jobs/training-job.resolver.js';
import { TrainingJobStore } from './jobs/training-job.store.js';

/** The training subgraph: TrainingJob (spec, status, attempts, workers, logs, artifacts). */
export const trainingSubgraph: SubgraphDefinition = {
  name: 'training',
  defaultPort: 4103,
  entities: [TrainingJobEntity],
  migrations: [TrainingInitial20261126000000, TrainingTenantIsolation20261126100000],
  async schema(deps) {
    const trainingJobStore = deps && new TrainingJobStore(deps.db);
    return buildFederatedSchema({
      resolvers: [TrainingJobResolver],
      resolverInstances: trainingJobStore && [new TrainingJobResolver(trainingJobStore)],
      referenceResolvers: trainingJobStore && { TrainingJob: trainingJobReference(trainingJobStore) },
    });
  },
};
