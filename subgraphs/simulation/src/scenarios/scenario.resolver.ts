import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { Scenario } from './scenario.type.js';
import type { ScenarioStore } from './scenario.store.js';

@Resolver(() => Scenario)
export class ScenarioResolver {
  constructor(private readonly store: ScenarioStore) {}

  @Query(() => Scenario, { nullable: true, description: 'A Scenario by id, or null when there is none.' })
  @Requires('simulation:read')
  async scenario(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Scenario | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
