import { Arg, ID, Query, Resolver } from 'type-graphql';
import { TestRun } from './test-run.type.js';
import type { TestRunStore } from './test-run.store.js';

@Resolver(() => TestRun)
export class TestRunResolver {
  constructor(private readonly store: TestRunStore) {}

  @Query(() => TestRun, { nullable: true, description: 'A TestRun by id, or null when there is none.' })
  async testRun(@Arg('id', () => ID) id: string): Promise<TestRun | null> {
    return this.store.findById(id);
  }
}
