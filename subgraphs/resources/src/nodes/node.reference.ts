import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { NodeStore } from './node.store.js';

/** Resolves Node references from other subgraphs with one query per request. */
export const nodeReference = (store: NodeStore) =>
  batchedReference<ServiceContext, { id: string }>('Node', (ids) => store.findByIds(ids));
