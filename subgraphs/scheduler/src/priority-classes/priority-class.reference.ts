import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { PriorityClassStore } from './priority-class.store.js';

/**
 * Resolves PriorityClass references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `scheduler:read` (anyone else gets null).
 */
export const priorityClassReference = (store: PriorityClassStore) =>
  batchedReference<ServiceContext, { id: string }>('PriorityClass', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'scheduler:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
