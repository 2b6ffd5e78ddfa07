import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { PriorityClassStore } from './priority-class.store.js';

/** Resolves PriorityClass references from other subgraphs with one query per request. */
export const priorityClassReference = (store: PriorityClassStore) =>
  batchedReference<ServiceContext, { id: string }>('PriorityClass', (ids) => store.findByIds(ids));
