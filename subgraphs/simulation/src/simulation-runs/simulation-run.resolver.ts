import { Arg, ID, Query, Resolver } from 'type-graphql';
import { SimulationRun } from './simulation-run.type.js';
import type { SimulationRunStore } from './simulation-run.store.js';

@Resolver(() => SimulationRun)
export class SimulationRunResolver {
  constructor(private readonly store: SimulationRunStore) {}

  @Query(() => SimulationRun, { nullable: true, description: 'A SimulationRun by id, or null when there is none.' })
  async simulationRun(@Arg('id', () => ID) id: string): Promise<SimulationRun | null> {
    return this.store.findById(id);
  }
}
