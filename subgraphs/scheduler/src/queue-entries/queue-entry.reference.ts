import { tenantReference } from '@aitip/kit';
import type { QueueEntryStore } from './queue-entry.store.js';

/** Resolves QueueEntry references for callers holding `scheduler:read`, within their organization, one query per request. */
export const queueEntryReference = (store: QueueEntryStore) =>
  tenantReference('QueueEntry', 'scheduler:read', (orgId, ids) => store.findByIds(orgId, ids));
