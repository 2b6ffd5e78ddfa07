import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { RegisteredModelStore } from './registered-model.store.js';

/** Resolves RegisteredModel references from other subgraphs with one query per request. */
export const registeredModelReference = (store: RegisteredModelStore) =>
  batchedReference<ServiceContext, { id: string }>('RegisteredModel', (ids) => store.findByIds(ids));
