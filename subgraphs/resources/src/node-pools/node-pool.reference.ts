import { tenantReference } from '@aitip/kit';
import type { NodePoolStore } from './node-pool.store.js';

/** Resolves NodePool references for callers holding `resources:read`, within their organization, one query per request. */
export const nodePoolReference = (store: NodePoolStore) =>
  tenantReference('NodePool', 'resources:read', (orgId, ids) => store.findByIds(orgId, ids));
