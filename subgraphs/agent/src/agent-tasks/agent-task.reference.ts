import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { AgentTaskStore } from './agent-task.store.js';

/** Resolves AgentTask references from other subgraphs with one query per request. */
export const agentTaskReference = (store: AgentTaskStore) =>
  batchedReference<ServiceContext, { id: string }>('AgentTask', (ids) => store.findByIds(ids));
