import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { Conversation } from './conversation.type.js';
import type { ConversationStore } from './conversation.store.js';

@Resolver(() => Conversation)
export class ConversationResolver {
  constructor(private readonly store: ConversationStore) {}

  @Query(() => Conversation, { nullable: true, description: 'A Conversation by id, or null when there is none.' })
  @Requires('agent:read')
  async conversation(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Conversation | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
