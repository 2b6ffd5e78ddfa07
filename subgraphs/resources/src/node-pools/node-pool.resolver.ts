import { Arg, ID, Query, Resolver } from 'type-graphql';
import { NodePool } from './node-pool.type.js';
import type { NodePoolStore } from './node-pool.store.js';

@Resolver(() => NodePool)
export class NodePoolResolver {
  constructor(private readonly store: NodePoolStore) {}

  @Query(() => NodePool, { nullable: true, description: 'A NodePool by id, or null when there is none.' })
  async nodePool(@Arg('id', () => ID) id: string): Promise<NodePool | null> {
    return this.store.findById(id);
  }
}
