import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { NodePoolStore } from './node-pool.store.js';

/** Resolves NodePool references from other subgraphs with one query per request. */
export const nodePoolReference = (store: NodePoolStore) =>
  batchedReference<ServiceContext, { id: string }>('NodePool', (ids) => store.findByIds(ids));
