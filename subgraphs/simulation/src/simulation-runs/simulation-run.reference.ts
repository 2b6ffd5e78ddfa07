import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { SimulationRunStore } from './simulation-run.store.js';

/** Resolves SimulationRun references from other subgraphs with one query per request. */
export const simulationRunReference = (store: SimulationRunStore) =>
  batchedReference<ServiceContext, { id: string }>('SimulationRun', (ids) => store.findByIds(ids));
