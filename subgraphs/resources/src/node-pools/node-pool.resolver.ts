import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { NodePool } from './node-pool.type.js';
import type { NodePoolStore } from './node-pool.store.js';

@Resolver(() => NodePool)
export class NodePoolResolver {
  constructor(private readonly store: NodePoolStore) {}

  @Query(() => NodePool, { nullable: true, description: 'A NodePool by id, or null when there is none.' })
  @Requires('resources:read')
  async nodePool(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<NodePool | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
