import { buildFederatedSchema, type SubgraphDefinition } from '@aitip/kit';
import { TestsInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { TestsTenantIsolation20261126100000 } from '../migrations/20261126100000-tenant-isolation.js';
import { TestSuiteEntity } from './test-suites/test-suite.entity.js';
import { testSuiteReference } from './test-suites/test-suite.reference.js';
import { TestSuiteResolver } from './test-suites/test-suite.resolver.js';
import { TestSuiteStore } from './test-suites/test-suite.store.js';
import { TestRunEntity } from './test-runs/test-run.entity.js';
import { testRunReference } from './test-runs/test-run.reference.js';
import { TestRunResolver } from './test-runs/test-run.resolver.js';
import { TestRunStore } from './test-runs/test-run.store.js';

/** The tests subgraph: TestSuite, TestCase, TestRun and GateResult. */
export const testsSubgraph: SubgraphDefinition = {
  name: 'tests',
  defaultPort: 4111,
  entities: [TestSuiteEntity, TestRunEntity],
  migrations: [TestsInitial20261126000000, TestsTenantIsolation20261126100000],
  async schema(deps) {
    const testSuiteStore = deps && new TestSuiteStore(deps.db);
    const testRunStore = deps && new TestRunStore(deps.db);
    return buildFederatedSchema({
      resolvers: [TestSuiteResolver, TestRunResolver],
      resolverInstances: testSuiteStore &&
        testRunStore && [new TestSuiteResolver(testSuiteStore), new TestRunResolver(testRunStore)],
      referenceResolvers: testSuiteStore &&
        testRunStore && { TestSuite: testSuiteReference(testSuiteStore), TestRun: testRunReference(testRunStore) },
    });
  },
};
