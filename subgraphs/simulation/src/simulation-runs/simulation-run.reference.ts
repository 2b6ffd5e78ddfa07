import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { SimulationRunStore } from './simulation-run.store.js';

/**
 * Resolves SimulationRun references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `simulation:read` (anyone else gets null).
 */
export const simulationRunReference = (store: SimulationRunStore) =>
  batchedReference<ServiceContext, { id: string }>('SimulationRun', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'simulation:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
