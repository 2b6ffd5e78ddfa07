import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { Experiment } from './experiment.type.js';
import type { ExperimentStore } from './experiment.store.js';

@Resolver(() => Experiment)
export class ExperimentResolver {
  constructor(private readonly store: ExperimentStore) {}

  @Query(() => Experiment, { nullable: true, description: 'An Experiment by id, or null when there is none.' })
  @Requires('experiments:read')
  async experiment(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Experiment | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
