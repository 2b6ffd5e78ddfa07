import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { RunStore } from './run.store.js';

/** Resolves Run references from other subgraphs with one query per request. */
export const runReference = (store: RunStore) =>
  batchedReference<ServiceContext, { id: string }>('Run', (ids) => store.findByIds(ids));
