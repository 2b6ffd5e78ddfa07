import { buildFederatedSchema, type SubgraphDefinition } from '@aitip/kit';
import { DatasetsInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { DatasetsTenantIsolation20261126100000 } from '../migrations/20261126100000-tenant-isolation.js';
import { DatasetEntity } from './datasets/dataset.entity.js';
import { datasetReference } from './datasets/dataset.reference.js';
import { DatasetResolver } from './datasets/dataset.resolver.js';
import { DatasetStore } from './datasets/dataset.store.js';
import { DatasetVersionEntity } from './dataset-versions/dataset-version.entity.js';
import { datasetVersionReference } from './dataset-versions/dataset-version.reference.js';
import { DatasetVersionResolver } from './dataset-versions/dataset-version.resolver.js';
import { DatasetVersionStore } from './dataset-versions/dataset-version.store.js';

/** The datasets subgraph: Dataset and DatasetVersion (files, content hash, schema, stats, preview). */
export const datasetsSubgraph: SubgraphDefinition = {
  name: 'datasets',
  defaultPort: 4102,
  entities: [DatasetEntity, DatasetVersionEntity],
  migrations: [DatasetsInitial20261126000000, DatasetsTenantIsolation20261126100000],
  async schema(deps) {
    const datasetStore = deps && new DatasetStore(deps.db);
    const datasetVersionStore = deps && new DatasetVersionStore(deps.db);
    return buildFederatedSchema({
      resolvers: [DatasetResolver, DatasetVersionResolver],
      resolverInstances: datasetStore &&
        datasetVersionStore && [new DatasetResolver(datasetStore), new DatasetVersionResolver(datasetVersionStore)],
      referenceResolvers: datasetStore &&
        datasetVersionStore && {
          Dataset: datasetReference(datasetStore),
          DatasetVersion: datasetVersionReference(datasetVersionStore),
        },
    });
  },
};
