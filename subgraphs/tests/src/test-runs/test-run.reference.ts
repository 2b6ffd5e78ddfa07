import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { TestRunStore } from './test-run.store.js';

/** Resolves TestRun references from other subgraphs with one query per request. */
export const testRunReference = (store: TestRunStore) =>
  batchedReference<ServiceContext, { id: string }>('TestRun', (ids) => store.findByIds(ids));
