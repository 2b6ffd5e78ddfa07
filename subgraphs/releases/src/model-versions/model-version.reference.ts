import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { ModelVersionStore } from './model-version.store.js';

/**
 * Resolves ModelVersion references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `releases:read` (anyone else gets null).
 */
export const modelVersionReference = (store: ModelVersionStore) =>
  batchedReference<ServiceContext, { id: string }>('ModelVersion', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'releases:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
