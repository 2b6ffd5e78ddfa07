import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { QueueEntryStore } from './queue-entry.store.js';

/**
 * Resolves QueueEntry references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `scheduler:read` (anyone else gets null).
 */
export const queueEntryReference = (store: QueueEntryStore) =>
  batchedReference<ServiceContext, { id: string }>('QueueEntry', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'scheduler:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
