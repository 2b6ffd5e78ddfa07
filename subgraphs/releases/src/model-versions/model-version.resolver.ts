import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { ModelVersion } from './model-version.type.js';
import type { ModelVersionStore } from './model-version.store.js';

@Resolver(() => ModelVersion)
export class ModelVersionResolver {
  constructor(private readonly store: ModelVersionStore) {}

  @Query(() => ModelVersion, { nullable: true, description: 'A ModelVersion by id, or null when there is none.' })
  @Requires('releases:read')
  async modelVersion(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<ModelVersion | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
