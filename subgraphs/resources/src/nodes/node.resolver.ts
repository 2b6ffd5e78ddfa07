import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { Node } from './node.type.js';
import type { NodeStore } from './node.store.js';

@Resolver(() => Node)
export class NodeResolver {
  constructor(private readonly store: NodeStore) {}

  @Query(() => Node, { nullable: true, description: 'A Node by id, or null when there is none.' })
  @Requires('resources:read')
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Node | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
