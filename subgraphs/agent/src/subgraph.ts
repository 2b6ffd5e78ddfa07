import { buildFederatedSchema, type SubgraphDefinition } from '@aitip/kit';
import { AgentInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { AgentTenantIsolation20261126100000 } from '../migrations/20261126100000-tenant-isolation.js';
import { ConversationEntity } from './conversations/conversation.entity.js';
import { conversationReference } from './conversations/conversation.reference.js';
import { ConversationResolver } from './conversations/conversation.resolver.js';
import { ConversationStore } from './conversations/conversation.store.js';
import { AgentTaskEntity } from './agent-tasks/agent-task.entity.js';
import { agentTaskReference } from './agent-tasks/agent-task.reference.js';
import { AgentTaskResolver } from './agent-tasks/agent-task.resolver.js';
import { AgentTaskStore } from './agent-tasks/agent-task.store.js';

/** The agent subgraph: Conversation, Message, ToolCall, AgentTask, Webhook and Recommendation. */
export const agentSubgraph: SubgraphDefinition = {
  name: 'agent',
  defaultPort: 4106,
  entities: [ConversationEntity, AgentTaskEntity],
  migrations: [AgentInitial20261126000000, AgentTenantIsolation20261126100000],
  async schema(deps) {
    const conversationStore = deps && new ConversationStore(deps.db);
    const agentTaskStore = deps && new AgentTaskStore(deps.db);
    return buildFederatedSchema({
      resolvers: [ConversationResolver, AgentTaskResolver],
      resolverInstances: conversationStore &&
        agentTaskStore && [new ConversationResolver(conversationStore), new AgentTaskResolver(agentTaskStore)],
      referenceResolvers: conversationStore &&
        agentTaskStore && {
          Conversation: conversationReference(conversationStore),
          AgentTask: agentTaskReference(agentTaskStore),
        },
    });
  },
};
