import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { DatasetVersionStore } from './dataset-version.store.js';

/** Resolves DatasetVersion references from other subgraphs with one query per request. */
export const datasetVersionReference = (store: DatasetVersionStore) =>
  batchedReference<ServiceContext, { id: string }>('DatasetVersion', (ids) => store.findByIds(ids));
