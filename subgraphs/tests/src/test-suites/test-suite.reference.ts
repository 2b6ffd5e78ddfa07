import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { TestSuiteStore } from './test-suite.store.js';

/**
 * Resolves TestSuite references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `tests:read` (anyone else gets null).
 */
export const testSuiteReference = (store: TestSuiteStore) =>
  batchedReference<ServiceContext, { id: string }>('TestSuite', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'tests:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
