import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { DatasetVersionStore } from './dataset-version.store.js';

/**
 * Resolves DatasetVersion references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `datasets:read` (anyone else gets null).
 */
export const datasetVersionReference = (store: DatasetVersionStore) =>
  batchedReference<ServiceContext, { id: string }>('DatasetVersion', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'datasets:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
