import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { QueueEntry } from './queue-entry.type.js';
import type { QueueEntryStore } from './queue-entry.store.js';

@Resolver(() => QueueEntry)
export class QueueEntryResolver {
  constructor(private readonly store: QueueEntryStore) {}

  @Query(() => QueueEntry, { nullable: true, description: 'A QueueEntry by id, or null when there is none.' })
  @Requires('scheduler:read')
  async queueEntry(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<QueueEntry | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
