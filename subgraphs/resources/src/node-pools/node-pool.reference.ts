import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { NodePoolStore } from './node-pool.store.js';

/**
 * Resolves NodePool references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `resources:read` (anyone else gets null).
 */
export const nodePoolReference = (store: NodePoolStore) =>
  batchedReference<ServiceContext, { id: string }>('NodePool', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'resources:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
