import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { TestRunStore } from './test-run.store.js';

/**
 * Resolves TestRun references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `tests:read` (anyone else gets null).
 */
export const testRunReference = (store: TestRunStore) =>
  batchedReference<ServiceContext, { id: string }>('TestRun', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'tests:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
