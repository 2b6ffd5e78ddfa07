import { Arg, ID, Query, Resolver } from 'type-graphql';
import { Experiment } from './experiment.type.js';
import type { ExperimentStore } from './experiment.store.js';

@Resolver(() => Experiment)
export class ExperimentResolver {
  constructor(private readonly store: ExperimentStore) {}

  @Query(() => Experiment, { nullable: true, description: 'An Experiment by id, or null when there is none.' })
  async experiment(@Arg('id', () => ID) id: string): Promise<Experiment | null> {
    return this.store.findById(id);
  }
}
