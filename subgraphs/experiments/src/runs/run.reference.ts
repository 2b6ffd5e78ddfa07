import { isUuid, tenantReference } from '@aitip/kit';
import type { Tracking } from '../tracking/service.js';
import { toRun } from './run.type.js';

/** Resolves Run references for callers holding `experiments:read`, within their organization, one query per request. */
export const runReference = (tracking: Tracking) =>
  tenantReference('Run', 'experiments:read', async (orgId, ids) =>
    orgId && isUuid(orgId) ? (await tracking.runsByIds({ orgId, userId: null }, ids)).map(toRun) : [],
  );
