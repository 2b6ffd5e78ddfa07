import { buildFederatedSchema, streamPubSub, type SubgraphDefinition } from '@aitip/kit';
import { ExperimentsInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { ExperimentsTenantIsolation20261126100000 } from '../migrations/20261126100000-tenant-isolation.js';
import { ExperimentsTracking20261126300000 } from '../migrations/20261126300000-tracking.js';
import { ExperimentsMetricChunks20261127000000 } from '../migrations/20261127000000-metric-chunks.js';
import { experimentReference } from './experiments/experiment.reference.js';
import { ExperimentResolver } from './experiments/experiment.resolver.js';
import { runReference } from './runs/run.reference.js';
import { RunResolver } from './runs/run.resolver.js';
import { RunFieldsResolver } from './runs/run-fields.resolver.js';
import { RunEventsResolver } from './runs/run-events.resolver.js';
import { MetricResolver } from './metrics/metric.resolver.js';
import { ArtifactResolver } from './artifacts/artifact.resolver.js';
import { createTrackingService } from './tracking/service.js';
import { mlflowRoutes } from './mlflow/routes.js';
import { experimentsSettingsSchema } from './settings.js';

/**
 * The experiments subgraph: experiment tracking with an MLflow-compatible REST API — experiments,
 * runs with params, tags, metric series and artifacts, search, comparison and live metrics.
 */
export const experimentsSubgraph: SubgraphDefinition = {
  name: 'experiments',
  defaultPort: 4105,
  // every table is read and written with SQL in the stores; no typeorm entities
  entities: [],
  migrations: [
    ExperimentsInitial20261126000000,
    ExperimentsTenantIsolation20261126100000,
    ExperimentsTracking20261126300000,
    ExperimentsMetricChunks20261127000000,
  ],
  settingsSchema: experimentsSettingsSchema,
  async schema(deps) {
    const tracking = deps && createTrackingService(deps);
    return buildFederatedSchema({
      resolvers: [
        ExperimentResolver,
        RunResolver,
        RunFieldsResolver,
        RunEventsResolver,
        MetricResolver,
        ArtifactResolver,
      ],
      resolverInstances: tracking && [
        new ExperimentResolver(tracking),
        new RunResolver(tracking),
        new RunFieldsResolver(tracking),
        new RunEventsResolver(tracking),
        new MetricResolver(tracking),
        new ArtifactResolver(tracking),
      ],
      // runMetrics and runUpdated tail bus streams
      buildOptions: { pubSub: streamPubSub(deps?.resources.bus) },
      referenceResolvers: tracking && {
        Experiment: experimentReference(tracking),
        Run: runReference(tracking),
      },
    });
  },
  routes(deps) {
    return mlflowRoutes(createTrackingService(deps), deps.logger);
  },
};
