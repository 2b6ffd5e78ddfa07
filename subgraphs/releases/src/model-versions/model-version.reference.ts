import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { ModelVersionStore } from './model-version.store.js';

/** Resolves ModelVersion references from other subgraphs with one query per request. */
export const modelVersionReference = (store: ModelVersionStore) =>
  batchedReference<ServiceContext, { id: string }>('ModelVersion', (ids) => store.findByIds(ids));
