import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { TestSuiteStore } from './test-suite.store.js';

/** Resolves TestSuite references from other subgraphs with one query per request. */
export const testSuiteReference = (store: TestSuiteStore) =>
  batchedReference<ServiceContext, { id: string }>('TestSuite', (ids) => store.findByIds(ids));
