import { tenantReference } from '@aitip/kit';
import type { TestRunStore } from './test-run.store.js';

/** Resolves TestRun references for callers holding `tests:read`, within their organization, one query per request. */
export const testRunReference = (store: TestRunStore) =>
  tenantReference('TestRun', 'tests:read', (orgId, ids) => store.findByIds(orgId, ids));
