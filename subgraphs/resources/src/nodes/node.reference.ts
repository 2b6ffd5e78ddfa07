import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { NodeStore } from './node.store.js';

/**
 * Resolves Node references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `resources:read` (anyone else gets null).
 */
export const nodeReference = (store: NodeStore) =>
  batchedReference<ServiceContext, { id: string }>('Node', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'resources:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
