import { tenantReference } from '@aitip/kit';
import type { DatasetStore } from './dataset.store.js';

/** Resolves Dataset references for callers holding `datasets:read`, within their organization, one query per request. */
export const datasetReference = (store: DatasetStore) =>
  tenantReference('Dataset', 'datasets:read', (orgId, ids) => store.findByIds(orgId, ids));
