import { batchedReference, scopeAllows, type ServiceContext } from '@aitip/kit';
import type { AgentTaskStore } from './agent-task.store.js';

/**
 * Resolves AgentTask references from other subgraphs with one query per request: only rows the caller's
 * organization may see, and only for a caller holding `agent:read` (anyone else gets null).
 */
export const agentTaskReference = (store: AgentTaskStore) =>
  batchedReference<ServiceContext, { id: string }>('AgentTask', (ids, { identity }) =>
    scopeAllows(identity.scopes, 'agent:read') ? store.findByIds(identity.orgId, ids) : Promise.resolve([]),
  );
