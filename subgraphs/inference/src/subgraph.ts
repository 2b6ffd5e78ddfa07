import { buildFederatedSchema, type SubgraphDefinition } from '@aitip/kit';
import { InferenceInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { InferenceTenantIsolation20261126100000 } from '../migrations/20261126100000-tenant-isolation.js';
import { DeploymentEntity } from './deployments/deployment.entity.js';
import { deploymentReference } from './deployments/deployment.reference.js';
import { DeploymentResolver } from './deployments/deployment.resolver.js';
import { DeploymentStore } from './deployments/deployment.store.js';

/** The inference subgraph: Deployment, Replica, TrafficSplit, EndpointHealth and PredictionStats. */
export const inferenceSubgraph: SubgraphDefinition = {
  name: 'inference',
  defaultPort: 4104,
  entities: [DeploymentEntity],
  migrations: [InferenceInitial20261126000000, InferenceTenantIsolation20261126100000],
  async schema(deps) {
    const deploymentStore = deps && new DeploymentStore(deps.db);
    return buildFederatedSchema({
      resolvers: [DeploymentResolver],
      resolverInstances: deploymentStore && [new DeploymentResolver(deploymentStore)],
      referenceResolvers: deploymentStore && { Deployment: deploymentReference(deploymentStore) },
    });
  },
};
