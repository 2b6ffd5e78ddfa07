import { Arg, ID, Query, Resolver } from 'type-graphql';
import { Run } from './run.type.js';
import type { RunStore } from './run.store.js';

@Resolver(() => Run)
export class RunResolver {
  constructor(private readonly store: RunStore) {}

  @Query(() => Run, { nullable: true, description: 'A Run by id, or null when there is none.' })
  async run(@Arg('id', () => ID) id: string): Promise<Run | null> {
    return this.store.findById(id);
  }
}
