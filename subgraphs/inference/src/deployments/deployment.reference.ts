import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { DeploymentStore } from './deployment.store.js';

/** Resolves Deployment references from other subgraphs with one query per request. */
export const deploymentReference = (store: DeploymentStore) =>
  batchedReference<ServiceContext, { id: string }>('Deployment', (ids) => store.findByIds(ids));
