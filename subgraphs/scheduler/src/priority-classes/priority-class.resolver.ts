import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { PriorityClass } from './priority-class.type.js';
import type { PriorityClassStore } from './priority-class.store.js';

@Resolver(() => PriorityClass)
export class PriorityClassResolver {
  constructor(private readonly store: PriorityClassStore) {}

  @Query(() => PriorityClass, { nullable: true, description: 'A PriorityClass by id, or null when there is none.' })
  @Requires('scheduler:read')
  async priorityClass(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<PriorityClass | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
