import { tenantReference } from '@aitip/kit';
import type { ModelVersionStore } from './model-version.store.js';

/** Resolves ModelVersion references for callers holding `releases:read`, within their organization, one query per request. */
export const modelVersionReference = (store: ModelVersionStore) =>
  tenantReference('ModelVersion', 'releases:read', (orgId, ids) => store.findByIds(orgId, ids));
