import { Arg, ID, Query, Resolver } from 'type-graphql';
import { TestSuite } from './test-suite.type.js';
import type { TestSuiteStore } from './test-suite.store.js';

@Resolver(() => TestSuite)
export class TestSuiteResolver {
  constructor(private readonly store: TestSuiteStore) {}

  @Query(() => TestSuite, { nullable: true, description: 'A TestSuite by id, or null when there is none.' })
  async testSuite(@Arg('id', () => ID) id: string): Promise<TestSuite | null> {
    return this.store.findById(id);
  }
}
