import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { ExperimentStore } from './experiment.store.js';

/**
 * Resolves Experiment references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `experiments:read` (anyone else gets null).
 */
export const experimentReference = (store: ExperimentStore) =>
  batchedReference<ServiceContext, { id: string }>('Experiment', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'experiments:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
