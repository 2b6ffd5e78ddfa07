import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { TrainingJobStore } from './training-job.store.js';

/**
 * Resolves TrainingJob references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `training:read` (anyone else gets null).
 */
export const trainingJobReference = (store: TrainingJobStore) =>
  batchedReference<ServiceContext, { id: string }>('TrainingJob', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'training:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
