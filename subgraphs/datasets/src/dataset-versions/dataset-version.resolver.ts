import { Arg, ID, Query, Resolver } from 'type-graphql';
import { DatasetVersion } from './dataset-version.type.js';
import type { DatasetVersionStore } from './dataset-version.store.js';

@Resolver(() => DatasetVersion)
export class DatasetVersionResolver {
  constructor(private readonly store: DatasetVersionStore) {}

  @Query(() => DatasetVersion, { nullable: true, description: 'A DatasetVersion by id, or null when there is none.' })
  async datasetVersion(@Arg('id', () => ID) id: string): Promise<DatasetVersion | null> {
    return this.store.findById(id);
  }
}
