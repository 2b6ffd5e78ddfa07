import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { SimulationRun } from './simulation-run.type.js';
import type { SimulationRunStore } from './simulation-run.store.js';

@Resolver(() => SimulationRun)
export class SimulationRunResolver {
  constructor(private readonly store: SimulationRunStore) {}

  @Query(() => SimulationRun, { nullable: true, description: 'A SimulationRun by id, or null when there is none.' })
  @Requires('simulation:read')
  async simulationRun(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<SimulationRun | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
