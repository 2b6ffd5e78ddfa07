import { tenantReference } from '@aitip/kit';
import type { SimulationRunStore } from './simulation-run.store.js';

/** Resolves SimulationRun references for callers holding `simulation:read`, within their organization, one query per request. */
export const simulationRunReference = (store: SimulationRunStore) =>
  tenantReference('SimulationRun', 'simulation:read', (orgId, ids) => store.findByIds(orgId, ids));
