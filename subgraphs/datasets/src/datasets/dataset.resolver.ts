import { Arg, ID, Query, Resolver } from 'type-graphql';
import { Dataset } from './dataset.type.js';
import type { DatasetStore } from './dataset.store.js';

@Resolver(() => Dataset)
export class DatasetResolver {
  constructor(private readonly store: DatasetStore) {}

  @Query(() => Dataset, { nullable: true, description: 'A Dataset by id, or null when there is none.' })
  async dataset(@Arg('id', () => ID) id: string): Promise<Dataset | null> {
    return this.store.findById(id);
  }
}
