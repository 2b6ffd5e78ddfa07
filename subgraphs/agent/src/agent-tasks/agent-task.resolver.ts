import { Arg, ID, Query, Resolver } from 'type-graphql';
import { AgentTask } from './agent-task.type.js';
import type { AgentTaskStore } from './agent-task.store.js';

@Resolver(() => AgentTask)
export class AgentTaskResolver {
  constructor(private readonly store: AgentTaskStore) {}

  @Query(() => AgentTask, { nullable: true, description: 'An AgentTask by id, or null when there is none.' })
  async agentTask(@Arg('id', () => ID) id: string): Promise<AgentTask | null> {
    return this.store.findById(id);
  }
}
