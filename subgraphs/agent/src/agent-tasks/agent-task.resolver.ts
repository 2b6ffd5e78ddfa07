import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { AgentTask } from './agent-task.type.js';
import type { AgentTaskStore } from './agent-task.store.js';

@Resolver(() => AgentTask)
export class AgentTaskResolver {
  constructor(private readonly store: AgentTaskStore) {}

  @Query(() => AgentTask, { nullable: true, description: 'An AgentTask by id, or null when there is none.' })
  @Requires('agent:read')
  async agentTask(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<AgentTask | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
