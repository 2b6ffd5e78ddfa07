import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { DatasetStore } from './dataset.store.js';

/**
 * Resolves Dataset references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `datasets:read` (anyone else gets null).
 */
export const datasetReference = (store: DatasetStore) =>
  batchedReference<ServiceContext, { id: string }>('Dataset', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'datasets:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
