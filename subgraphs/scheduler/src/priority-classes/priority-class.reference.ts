import { tenantReference } from '@aitip/kit';
import type { PriorityClassStore } from './priority-class.store.js';

/** Resolves PriorityClass references for callers holding `scheduler:read`, within their organization, one query per request. */
export const priorityClassReference = (store: PriorityClassStore) =>
  tenantReference('PriorityClass', 'scheduler:read', (orgId, ids) => store.findByIds(orgId, ids));
