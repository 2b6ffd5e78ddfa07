import type { SubgraphDependencies } from '@aitip/kit';
import { DatasetStore } from './datasets/dataset.store.js';
import { DatasetVersionStore } from './dataset-versions/dataset-version.store.js';
import { UploadService } from './uploads/upload.service.js';
import { datasetsSettingsSchema, type DatasetsSettings } from './settings.js';

/** The datasets subgraph's stores and services over one database and the platform's resources. */
export function createDatasetsServices(deps: SubgraphDependencies) {
  const settings = datasetsSettingsSchema.parse(deps.settings) as DatasetsSettings;
  const { bus, queue, blob } = deps.resources;
  return {
    settings,
    datasets: new DatasetStore(deps.db),
    versions: new DatasetVersionStore(deps.db),
    uploads: new UploadService(deps.db, blob, queue, bus, settings, deps.logger),
  };
}

export type DatasetsServices = ReturnType<typeof createDatasetsServices>;
