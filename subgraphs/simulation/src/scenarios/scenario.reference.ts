import { tenantReference } from '@aitip/kit';
import type { ScenarioStore } from './scenario.store.js';

/** Resolves Scenario references for callers holding `simulation:read`, within their organization, one query per request. */
export const scenarioReference = (store: ScenarioStore) =>
  tenantReference('Scenario', 'simulation:read', (orgId, ids) => store.findByIds(orgId, ids));
