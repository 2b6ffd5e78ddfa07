import { Arg, ID, Query, Resolver } from 'type-graphql';
import { PriorityClass } from './priority-class.type.js';
import type { PriorityClassStore } from './priority-class.store.js';

@Resolver(() => PriorityClass)
export class PriorityClassResolver {
  constructor(private readonly store: PriorityClassStore) {}

  @Query(() => PriorityClass, { nullable: true, description: 'A PriorityClass by id, or null when there is none.' })
  async priorityClass(@Arg('id', () => ID) id: string): Promise<PriorityClass | null> {
    return this.store.findById(id);
  }
}
