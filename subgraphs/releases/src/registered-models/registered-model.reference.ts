import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { RegisteredModelStore } from './registered-model.store.js';

/**
 * Resolves RegisteredModel references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `releases:read` (anyone else gets null).
 */
export const registeredModelReference = (store: RegisteredModelStore) =>
  batchedReference<ServiceContext, { id: string }>('RegisteredModel', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'releases:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
