import { buildFederatedSchema, type SubgraphDefinition } from '@aitip/kit';
import { ReleasesInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { ReleasesTenantIsolation20261126100000 } from '../migrations/20261126100000-tenant-isolation.js';
import { RegisteredModelEntity } from './registered-models/registered-model.entity.js';
import { registeredModelReference } from './registered-models/registered-model.reference.js';
import { RegisteredModelResolver } from './registered-models/registered-model.resolver.js';
import { RegisteredModelStore } from './registered-models/registered-model.store.js';
import { ModelVersionEntity } from './model-versions/model-version.entity.js';
import { modelVersionReference } from './model-versions/model-version.reference.js';
import { ModelVersionResolver } from './model-versions/model-version.resolver.js';
import { ModelVersionStore } from './model-versions/model-version.store.js';

/** The releases subgraph: RegisteredModel, ModelVersion (lineage), Alias, PromotionRequest and Rollout. */
export const releasesSubgraph: SubgraphDefinition = {
  name: 'releases',
  defaultPort: 4110,
  entities: [RegisteredModelEntity, ModelVersionEntity],
  migrations: [ReleasesInitial20261126000000, ReleasesTenantIsolation20261126100000],
  async schema(deps) {
    const registeredModelStore = deps && new RegisteredModelStore(deps.db);
    const modelVersionStore = deps && new ModelVersionStore(deps.db);
    return buildFederatedSchema({
      resolvers: [RegisteredModelResolver, ModelVersionResolver],
      resolverInstances: registeredModelStore &&
        modelVersionStore && [
          new RegisteredModelResolver(registeredModelStore),
          new ModelVersionResolver(modelVersionStore),
        ],
      referenceResolvers: registeredModelStore &&
        modelVersionStore && {
          RegisteredModel: registeredModelReference(registeredModelStore),
          ModelVersion: modelVersionReference(modelVersionStore),
        },
    });
  },
};
