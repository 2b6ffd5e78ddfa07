import { tenantReference } from '@aitip/kit';
import type { DeploymentStore } from './deployment.store.js';

/** Resolves Deployment references for callers holding `inference:read`, within their organization, one query per request. */
export const deploymentReference = (store: DeploymentStore) =>
  tenantReference('Deployment', 'inference:read', (orgId, ids) => store.findByIds(orgId, ids));
