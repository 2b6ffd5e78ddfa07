import { Arg, ID, Query, Resolver } from 'type-graphql';
import { Node } from './node.type.js';
import type { NodeStore } from './node.store.js';

@Resolver(() => Node)
export class NodeResolver {
  constructor(private readonly store: NodeStore) {}

  @Query(() => Node, { nullable: true, description: 'A Node by id, or null when there is none.' })
  async node(@Arg('id', () => ID) id: string): Promise<Node | null> {
    return this.store.findById(id);
  }
}
