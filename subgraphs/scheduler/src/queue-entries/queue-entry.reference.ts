import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { QueueEntryStore } from './queue-entry.store.js';

/** Resolves QueueEntry references from other subgraphs with one query per request. */
export const queueEntryReference = (store: QueueEntryStore) =>
  batchedReference<ServiceContext, { id: string }>('QueueEntry', (ids) => store.findByIds(ids));
