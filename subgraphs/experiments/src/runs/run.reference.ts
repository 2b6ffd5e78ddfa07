import { tenantReference } from '@aitip/kit';
import type { RunStore } from './run.store.js';

/** Resolves Run references for callers holding `experiments:read`, within their organization, one query per request. */
export const runReference = (store: RunStore) =>
  tenantReference('Run', 'experiments:read', (orgId, ids) => store.findByIds(orgId, ids));
