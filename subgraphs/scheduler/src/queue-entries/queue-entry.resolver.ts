import { Arg, ID, Query, Resolver } from 'type-graphql';
import { QueueEntry } from './queue-entry.type.js';
import type { QueueEntryStore } from './queue-entry.store.js';

@Resolver(() => QueueEntry)
export class QueueEntryResolver {
  constructor(private readonly store: QueueEntryStore) {}

  @Query(() => QueueEntry, { nullable: true, description: 'A QueueEntry by id, or null when there is none.' })
  async queueEntry(@Arg('id', () => ID) id: string): Promise<QueueEntry | null> {
    return this.store.findById(id);
  }
}
