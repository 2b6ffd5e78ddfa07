import { isUuid, tenantReference } from '@aitip/kit';
import type { Tracking } from '../tracking/service.js';
import { toExperiment } from './experiment.type.js';

/** Resolves Experiment references for callers holding `experiments:read`, within their organization, one query per request. */
export const experimentReference = (tracking: Tracking) =>
  tenantReference('Experiment', 'experiments:read', async (orgId, ids) =>
    orgId && isUuid(orgId) ? (await tracking.experimentsByIds({ orgId, userId: null }, ids)).map(toExperiment) : [],
  );
