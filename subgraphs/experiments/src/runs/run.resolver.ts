import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { Run } from './run.type.js';
import type { RunStore } from './run.store.js';

@Resolver(() => Run)
export class RunResolver {
  constructor(private readonly store: RunStore) {}

  @Query(() => Run, { nullable: true, description: 'A Run by id, or null when there is none.' })
  @Requires('experiments:read')
  async run(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Run | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
