import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { RunStore } from './run.store.js';

/**
 * Resolves Run references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `experiments:read` (anyone else gets null).
 */
export const runReference = (store: RunStore) =>
  batchedReference<ServiceContext, { id: string }>('Run', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'experiments:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
