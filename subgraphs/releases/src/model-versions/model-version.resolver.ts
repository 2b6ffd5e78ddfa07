import { Arg, ID, Query, Resolver } from 'type-graphql';
import { ModelVersion } from './model-version.type.js';
import type { ModelVersionStore } from './model-version.store.js';

@Resolver(() => ModelVersion)
export class ModelVersionResolver {
  constructor(private readonly store: ModelVersionStore) {}

  @Query(() => ModelVersion, { nullable: true, description: 'A ModelVersion by id, or null when there is none.' })
  async modelVersion(@Arg('id', () => ID) id: string): Promise<ModelVersion | null> {
    return this.store.findById(id);
  }
}
