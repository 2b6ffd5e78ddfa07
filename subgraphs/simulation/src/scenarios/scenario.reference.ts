import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { ScenarioStore } from './scenario.store.js';

/** Resolves Scenario references from other subgraphs with one query per request. */
export const scenarioReference = (store: ScenarioStore) =>
  batchedReference<ServiceContext, { id: string }>('Scenario', (ids) => store.findByIds(ids));
