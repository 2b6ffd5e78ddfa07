import { tenantReference } from '@aitip/kit';
import type { TestSuiteStore } from './test-suite.store.js';

/** Resolves TestSuite references for callers holding `tests:read`, within their organization, one query per request. */
export const testSuiteReference = (store: TestSuiteStore) =>
  tenantReference('TestSuite', 'tests:read', (orgId, ids) => store.findByIds(orgId, ids));
