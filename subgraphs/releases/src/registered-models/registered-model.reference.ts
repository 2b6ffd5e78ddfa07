import { tenantReference } from '@aitip/kit';
import type { RegisteredModelStore } from './registered-model.store.js';

/** Resolves RegisteredModel references for callers holding `releases:read`, within their organization, one query per request. */
export const registeredModelReference = (store: RegisteredModelStore) =>
  tenantReference('RegisteredModel', 'releases:read', (orgId, ids) => store.findByIds(orgId, ids));
