import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { ConversationStore } from './conversation.store.js';

/**
 * Resolves Conversation references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `agent:read` (anyone else gets null).
 */
export const conversationReference = (store: ConversationStore) =>
  batchedReference<ServiceContext, { id: string }>('Conversation', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'agent:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
