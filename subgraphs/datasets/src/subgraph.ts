import { buildFederatedSchema, streamPubSub, type SubgraphDefinition } from '@aitip/kit';
import { DatasetsInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { DatasetsTenantIsolation20261126100000 } from '../migrations/20261126100000-tenant-isolation.js';
import { DatasetsUploadsAndProfiles20261126200000 } from '../migrations/20261126200000-uploads-and-profiles.js';
import { DatasetEntity } from './datasets/dataset.entity.js';
import { datasetReference } from './datasets/dataset.reference.js';
import { DatasetResolver } from './datasets/dataset.resolver.js';
import { DatasetFileEntity, DatasetVersionEntity } from './dataset-versions/dataset-version.entity.js';
import { datasetVersionReference } from './dataset-versions/dataset-version.reference.js';
import {
  DatasetFileResolver,
  DatasetVersionResolver,
  DatasetVersionsOfDatasetResolver,
} from './dataset-versions/dataset-version.resolver.js';
import { UploadSessionEntity } from './uploads/upload.entity.js';
import { UploadFileResolver, UploadResolver, UploadsOfDatasetResolver } from './uploads/upload.resolver.js';
import { createDatasetsServices } from './services.js';
import { archiveRoute } from './dataset-versions/archive.route.js';
import { datasetsSettingsSchema } from './settings.js';
import { ValidationWorker } from './workers/validation.worker.js';
import { DatasetSweeper } from './workers/sweeper.js';
import { consumeVersionUses } from './workers/uses.consumer.js';

/** The datasets subgraph: datasets, uploads straight to object storage, validation and profiling, immutable versions. */
export const datasetsSubgraph: SubgraphDefinition = {
  name: 'datasets',
  defaultPort: 4102,
  entities: [DatasetEntity, DatasetVersionEntity, DatasetFileEntity, UploadSessionEntity],
  migrations: [
    DatasetsInitial20261126000000,
    DatasetsTenantIsolation20261126100000,
    DatasetsUploadsAndProfiles20261126200000,
  ],
  settingsSchema: datasetsSettingsSchema,
  async schema(deps) {
    const s = deps && createDatasetsServices(deps);
    const ttl = s?.settings.DATASETS_URL_TTL_SECONDS ?? 0;
    return buildFederatedSchema({
      resolvers: [
        DatasetResolver,
        DatasetVersionResolver,
        DatasetFileResolver,
        DatasetVersionsOfDatasetResolver,
        UploadResolver,
        UploadFileResolver,
        UploadsOfDatasetResolver,
      ],
      resolverInstances: s &&
        deps && [
          new DatasetResolver(s.datasets),
          new DatasetVersionResolver(s.versions, s.datasets, deps.resources.blob, ttl, {
            publicUrl: s.settings.PUBLIC_URL,
            signer: deps.urlSigner,
          }),
          new DatasetFileResolver(deps.resources.blob, ttl),
          new DatasetVersionsOfDatasetResolver(s.versions),
          new UploadResolver(s.uploads),
          new UploadFileResolver(s.uploads),
          new UploadsOfDatasetResolver(s.uploads),
        ],
      // datasetVersionProgress tails the upload's bus stream
      buildOptions: { pubSub: streamPubSub(deps?.resources.bus) },
      referenceResolvers: s && {
        Dataset: datasetReference(s.datasets),
        DatasetVersion: datasetVersionReference(s.versions),
      },
    });
  },
  routes(deps) {
    const s = createDatasetsServices(deps);
    return [archiveRoute(s.versions, s.datasets, deps.resources.blob, deps.urlSigner)];
  },
  async workers(deps) {
    const s = createDatasetsServices(deps);
    const { blob, queue } = deps.resources;
    const validation = await new ValidationWorker(deps.db, blob, queue, s.uploads, s.settings, deps.logger).start();
    const uses = await consumeVersionUses(deps.db, queue, deps.logger);
    const sweeper = new DatasetSweeper(deps.db, blob, queue, s.uploads, s.settings, deps.logger);
    sweeper.start();
    return {
      async stop() {
        await sweeper.stop();
        await uses.stop();
        await validation.stop();
      },
    };
  },
};
