import { tenantReference } from '@aitip/kit';
import type { AgentTaskStore } from './agent-task.store.js';

/** Resolves AgentTask references for callers holding `agent:read`, within their organization, one query per request. */
export const agentTaskReference = (store: AgentTaskStore) =>
  tenantReference('AgentTask', 'agent:read', (orgId, ids) => store.findByIds(orgId, ids));
