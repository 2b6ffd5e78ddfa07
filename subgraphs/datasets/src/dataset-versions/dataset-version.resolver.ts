import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { DatasetVersion } from './dataset-version.type.js';
import type { DatasetVersionStore } from './dataset-version.store.js';

@Resolver(() => DatasetVersion)
export class DatasetVersionResolver {
  constructor(private readonly store: DatasetVersionStore) {}

  @Query(() => DatasetVersion, { nullable: true, description: 'A DatasetVersion by id, or null when there is none.' })
  @Requires('datasets:read')
  async datasetVersion(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<DatasetVersion | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
