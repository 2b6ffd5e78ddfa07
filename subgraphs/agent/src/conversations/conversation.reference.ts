import { tenantReference } from '@aitip/kit';
import type { ConversationStore } from './conversation.store.js';

/** Resolves Conversation references for callers holding `agent:read`, within their organization, one query per request. */
export const conversationReference = (store: ConversationStore) =>
  tenantReference('Conversation', 'agent:read', (orgId, ids) => store.findByIds(orgId, ids));
