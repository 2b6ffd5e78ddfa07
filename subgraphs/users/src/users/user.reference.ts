import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { UserStore } from './user.store.js';

/** Resolves User references from other subgraphs with one query per request. */
export const userReference = (store: UserStore) =>
  batchedReference<ServiceContext, { id: string }>('User', (ids) => store.findByIds(ids));
