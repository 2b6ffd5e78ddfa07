import { tenantReference } from '@aitip/kit';
import type { TrainingJobStore } from './training-job.store.js';
import { toTrainingJob } from './training-job.type.js';

/** Resolves TrainingJob references for callers holding `training:read`, within their organization, one query per request. */
export const trainingJobReference = (store: TrainingJobStore) =>
  tenantReference('TrainingJob', 'training:read', async (orgId, ids) =>
    (await store.findByIds(orgId, ids)).map(toTrainingJob),
  );
