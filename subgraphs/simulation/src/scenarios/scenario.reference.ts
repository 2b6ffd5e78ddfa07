import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { ScenarioStore } from './scenario.store.js';

/**
 * Resolves Scenario references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `simulation:read` (anyone else gets null).
 */
export const scenarioReference = (store: ScenarioStore) =>
  batchedReference<ServiceContext, { id: string }>('Scenario', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'simulation:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
