import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { TestRun } from './test-run.type.js';
import type { TestRunStore } from './test-run.store.js';

@Resolver(() => TestRun)
export class TestRunResolver {
  constructor(private readonly store: TestRunStore) {}

  @Query(() => TestRun, { nullable: true, description: 'A TestRun by id, or null when there is none.' })
  @Requires('tests:read')
  async testRun(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<TestRun | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
