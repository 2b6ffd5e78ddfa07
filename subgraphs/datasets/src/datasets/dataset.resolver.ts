import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { Dataset } from './dataset.type.js';
import type { DatasetStore } from './dataset.store.js';

@Resolver(() => Dataset)
export class DatasetResolver {
  constructor(private readonly store: DatasetStore) {}

  @Query(() => Dataset, { nullable: true, description: 'A Dataset by id, or null when there is none.' })
  @Requires('datasets:read')
  async dataset(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Dataset | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
