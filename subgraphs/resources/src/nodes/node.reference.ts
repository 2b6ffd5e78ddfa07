import { tenantReference } from '@aitip/kit';
import type { NodeStore } from './node.store.js';

/** Resolves Node references for callers holding `resources:read`, within their organization, one query per request. */
export const nodeReference = (store: NodeStore) =>
  tenantReference('Node', 'resources:read', (orgId, ids) => store.findByIds(orgId, ids));
