import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { TestSuite } from './test-suite.type.js';
import type { TestSuiteStore } from './test-suite.store.js';

@Resolver(() => TestSuite)
export class TestSuiteResolver {
  constructor(private readonly store: TestSuiteStore) {}

  @Query(() => TestSuite, { nullable: true, description: 'A TestSuite by id, or null when there is none.' })
  @Requires('tests:read')
  async testSuite(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<TestSuite | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
