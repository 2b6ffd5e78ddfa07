import { batchedReference, type ServiceContext } from '@aitip/kit';
import type { TrainingJobStore } from './training-job.store.js';

/** Resolves TrainingJob references from other subgraphs with one query per request. */
export const trainingJobReference = (store: TrainingJobStore) =>
  batchedReference<ServiceContext, { id: string }>('TrainingJob', (ids) => store.findByIds(ids));
