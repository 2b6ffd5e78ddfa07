import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { DeploymentStore } from './deployment.store.js';

/**
 * Resolves Deployment references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `inference:read` (anyone else gets null).
 */
export const deploymentReference = (store: DeploymentStore) =>
  batchedReference<ServiceContext, { id: string }>('Deployment', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'inference:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
