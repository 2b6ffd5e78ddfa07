import { tenantReference } from '@aitip/kit';
import type { ExperimentStore } from './experiment.store.js';

/** Resolves Experiment references for callers holding `experiments:read`, within their organization, one query per request. */
export const experimentReference = (store: ExperimentStore) =>
  tenantReference('Experiment', 'experiments:read', (orgId, ids) => store.findByIds(orgId, ids));
