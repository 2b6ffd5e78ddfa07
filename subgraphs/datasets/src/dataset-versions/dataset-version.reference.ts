import { tenantReference } from '@aitip/kit';
import type { DatasetVersionStore } from './dataset-version.store.js';

/** Resolves DatasetVersion references for callers holding `datasets:read`, within their organization, one query per request. */
export const datasetVersionReference = (store: DatasetVersionStore) =>
  tenantReference('DatasetVersion', 'datasets:read', (orgId, ids) => store.findByIds(orgId, ids));
