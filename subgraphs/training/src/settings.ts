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
  TRAINING_KUBERNETES: env
    .bool(false)
    .describe(
      'true or false: offer the kubernetes backend, on the cluster KUBECONFIG names (or, without it, the cluster the platform runs in)',
    ),
  TRAINING_KUBERNETES_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)
    .default('aitip-jobs')
    .describe('an existing Kubernetes namespace (lower-case letters, digits and -) that jobs run in'),
  TRAINING_KUBERNETES_FETCH_IMAGE: z
    .string()
    .min(1)
    .default('aitip/base:1')
    .describe("an image the cluster's nodes can pull, with sh, wget and tar, that fetches a job's code into its pods"),
  TRAINING_KUBERNETES_GPU_TYPE_LABEL: z
    .string()
    .min(1)
    .default('nvidia.com/gpu.product')
    .describe("the node label whose value is a job's resources.gpuType"),
  TRAINING_KUBERNETES_FETCH_EGRESS: z
    .string()
    .regex(/^\s*(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}:\d{1,5}\s*(,\s*|$))*$/)
    .default('')
    .describe(
      'comma-separated <IPv4 CIDR>:<port> that pods of jobs without network may reach besides DNS, e.g. the blob store (10.0.3.7/32:9000) their code archive comes from',
    ),
  TRAINING_KUBERNETES_POLL_MILLISECONDS: env.positiveInt(2000, "milliseconds between reads of a running job's pods"),
  KUBECONFIG: z
    .string()
    .optional()
    .describe('the kubeconfig file(s) of the cluster kubernetes-backend jobs run on (with TRAINING_KUBERNETES=true)'),
  KUBERNETES_SERVICE_HOST: z
    .string()
    .optional()
    .describe(
      "set by Kubernetes in a pod: without KUBECONFIG, jobs run on that cluster with the pod's service account",
    ),
});

export type TrainingSettings = z.infer<typeof trainingSettingsSchema>;
