import { z } from 'zod';
import { env } from '@aitip/kit';

/** The experiments subgraph's own settings, read from the environment in every mode. */
export const experimentsSettingsSchema = z.object({
  EXPERIMENTS_URL_TTL_SECONDS: env.positiveInt(3600, 'seconds a presigned artifact upload or download URL stays valid'),
  EXPERIMENTS_METRIC_STREAM_MAX_LEN: env.positiveInt(
    100,
    "logged batches a run's live metric stream keeps for subscribers that resume (older points come from metricHistories)",
  ),
  EXPERIMENTS_RUN_STREAM_MAX_LEN: env.positiveInt(
    1_000,
    "run changes an experiment's live stream keeps for runUpdated subscribers that resume",
  ),
});

export type ExperimentsSettings = z.infer<typeof experimentsSettingsSchema>;
