import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { ConversationStore } from './conversation.store.js';

/** Resolves Conversation references from other subgraphs with one query per request. */
export const conversationReference = (store: ConversationStore) =>
  batchedReference<ServiceContext, { id: string }>('Conversation', (ids) => store.findByIds(ids));
