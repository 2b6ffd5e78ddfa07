import { Arg, ID, Query, Resolver } from 'type-graphql';
import { Conversation } from './conversation.type.js';
import type { ConversationStore } from './conversation.store.js';

@Resolver(() => Conversation)
export class ConversationResolver {
  constructor(private readonly store: ConversationStore) {}

  @Query(() => Conversation, { nullable: true, description: 'A Conversation by id, or null when there is none.' })
  async conversation(@Arg('id', () => ID) id: string): Promise<Conversation | null> {
    return this.store.findById(id);
  }
}
