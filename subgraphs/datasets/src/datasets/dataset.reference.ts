import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { DatasetStore } from './dataset.store.js';

/** Resolves Dataset references from other subgraphs with one query per request. */
export const datasetReference = (store: DatasetStore) =>
  batchedReference<ServiceContext, { id: string }>('Dataset', (ids) => store.findByIds(ids));
