import { Arg, ID, Query, Resolver } from 'type-graphql';
import { Scenario } from './scenario.type.js';
import type { ScenarioStore } from './scenario.store.js';

@Resolver(() => Scenario)
export class ScenarioResolver {
  constructor(private readonly store: ScenarioStore) {}

  @Query(() => Scenario, { nullable: true, description: 'A Scenario by id, or null when there is none.' })
  async scenario(@Arg('id', () => ID) id: string): Promise<Scenario | null> {
    return this.store.findById(id);
  }
}
