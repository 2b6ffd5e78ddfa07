import { z } from 'zod';
import { env } from '@aitip/kit';

/** The training subgraph's own settings, read from the environment in every mode. */
export const trainingSettingsSchema = z.object({
  AITIP_DATA_DIR: z.string().default('.aitip').describe('a directory for embedded data; attempts work under it'),
  AITIP_INTERNAL_SECRET: env.secret('signing the identity the worker calls the experiments subgraph with'),
  PUBLIC_URL: env.url("the router's public address, given to jobs as MLFLOW_TRACKING_URI"),
  TRAINING_EXPERIMENTS_URL: env.url(
    "the experiments subgraph's own address (e.g. http://experiments:4105), which jobs' runs are created on; all-in-one mode finds it itself",
  ),
  TRAINING_DATASETS_URL: env.url(
    "the datasets subgraph's own address (e.g. http://datasets:4102), which job inputs are read from; all-in-one mode finds it itself",
  ),
  TRAINING_USERS_URL: env.url(
    "the users subgraph's own address (e.g. http://users:4101), which mints each attempt's MLFLOW_TRACKING_TOKEN; all-in-one mode finds it itself",
  ),
  TRAINING_WORKER: env.bool(true).describe('true or false: run an attempts worker in this process'),
  TRAINING_WORKER_CONCURRENCY: env.positiveInt(2, 'attempts one worker runs at once'),
  TRAINING_HEARTBEAT_SECONDS: env.positiveInt(5, 'seconds between heartbeats of a running attempt'),
  TRAINING_STALE_SECONDS: env.positiveInt(60, 'seconds without a heartbeat after which an attempt counts as lost'),
  TRAINING_RECONCILE_SECONDS: env.positiveInt(15, 'seconds between passes of the lost-attempt reconcile loop'),
  TRAINING_RETRY_BACKOFF_SECONDS: env.positiveInt(5, 'seconds before the first retry; doubles with each attempt'),
  TRAINING_LOG_STREAM_MAX_LEN: env.positiveInt(
    10_000,
    "entries a job's live log stream keeps (each holds up to 1,000 consecutive lines: a quiet job's entries hold one)",
  ),
  TRAINING_LOG_LINGER_SECONDS: env.positiveInt(
    600,
    "seconds an ended job's live log stream stays; later, jobLogs replays the archived attempt logs",
  ),
  TRAINING_EVENT_STREAM_MAX_LEN: env.positiveInt(1_000, "transitions a job's live event stream keeps"),
  TRAINING_CODE_ARCHIVE_MAX_MIB: env.positiveInt(100, 'the largest code archive (.tar.gz) an upload may send, in MiB'),
  TRAINING_LOCAL_CODE_PATHS: env
    .bool(false)
    .describe('true or false: let local-backend jobs name a code directory on the worker machine (code.path)'),
});

export type TrainingSettings = z.infer<typeof trainingSettingsSchema>;
