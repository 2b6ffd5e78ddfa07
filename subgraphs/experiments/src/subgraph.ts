import { buildFederatedSchema, type SubgraphDefinition } from '@aitip/kit';
import { ExperimentsInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { ExperimentsTenantIsolation20261126100000 } from '../migrations/20261126100000-tenant-isolation.js';
import { ExperimentEntity } from './experiments/experiment.entity.js';
import { experimentReference } from './experiments/experiment.reference.js';
import { ExperimentResolver } from './experiments/experiment.resolver.js';
import { ExperimentStore } from './experiments/experiment.store.js';
import { RunEntity } from './runs/run.entity.js';
import { runReference } from './runs/run.reference.js';
import { RunResolver } from './runs/run.resolver.js';
import { RunStore } from './runs/run.store.js';

/** The experiments subgraph: Experiment, Run (params, metrics, tags, artifacts) and MetricSeries. */
export const experimentsSubgraph: SubgraphDefinition = {
  name: 'experiments',
  defaultPort: 4105,
  entities: [ExperimentEntity, RunEntity],
  migrations: [ExperimentsInitial20261126000000, ExperimentsTenantIsolation20261126100000],
  async schema(deps) {
    const experimentStore = deps && new ExperimentStore(deps.db);
    const runStore = deps && new RunStore(deps.db);
    return buildFederatedSchema({
      resolvers: [ExperimentResolver, RunResolver],
      resolverInstances: experimentStore &&
        runStore && [new ExperimentResolver(experimentStore), new RunResolver(runStore)],
      referenceResolvers: experimentStore &&
        runStore && { Experiment: experimentReference(experimentStore), Run: runReference(runStore) },
    });
  },
};
