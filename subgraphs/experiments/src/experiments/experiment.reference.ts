import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { ExperimentStore } from './experiment.store.js';

/** Resolves Experiment references from other subgraphs with one query per request. */
export const experimentReference = (store: ExperimentStore) =>
  batchedReference<ServiceContext, { id: string }>('Experiment', (ids) => store.findByIds(ids));
