import type { Readable } from 'node:stream';

/**
 * The tracking service: what the GraphQL resolvers and the MLflow REST routes both call. Every
 * method runs in the caller's organization (row-level security) and throws kit's AitipError
 * subclasses; `details.mlflowCode` carries MLflow's error code where the kit code alone does not
 * say it (for example RESOURCE_ALREADY_EXISTS for a taken experiment name).
 */

/** Who calls. */
export interface Actor {
  orgId: string;
  /** The signed-in user, or null for a service identity. */
  userId: string | null;
}

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type LifecycleStage = 'active' | 'deleted';
/** MLflow's ViewType. */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface ExperimentRecord {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  /** Where run artifacts go: `mlflow-artifacts:/<experimentId>` style, served by the artifact proxy. */
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  tags: Record<string, string>;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface RunRecord {
  id: string;
  orgId: string;
  experimentId: string;
  name: string | null;
  status: RunStatus;
  startTime: Date | null;
  endTime: Date | null;
  userId: string | null;
  sourceJobId: string | null;
  parentRunId: string | null;
  lifecycleStage: LifecycleStage;
  /** `mlflow-artifacts:/<experimentId>/<runId>/artifacts`. */
  artifactUri: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The latest point of a metric (highest step, then latest timestamp) with the series' extent. */
export interface MetricSummary {
  key: string;
  value: number;
  step: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  min: number;
  max: number;
  count: number;
}

export interface RunWithData extends RunRecord {
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: MetricSummary[];
  inputs: DatasetInput[];
}

/** One metric point as logged: `value` may be NaN or ±Infinity (MLflow allows them). */
export interface MetricInput {
  key: string;
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  step: number;
}

export interface MetricPoint {
  step: number;
  value: number;
  timestamp: number;
}

/** A metric series downsampled to at most `points` points, keeping its shape (LTTB). */
export interface MetricSeries {
  runId: string;
  key: string;
  points: MetricPoint[];
  /** Points stored, before downsampling. */
  total: number;
  min: number | null;
  max: number | null;
  last: MetricPoint | null;
  downsampled: boolean;
}

/** MLflow's log-inputs dataset with its tags. */
export interface DatasetInput {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string;
  profile?: string;
  tags: Record<string, string>;
}

export interface Page<T> {
  items: T[];
  /** Opaque; null on the last page. */
  nextPageToken: string | null;
}

export interface SearchRunsInput {
  experimentIds: string[];
  /** MLflow's search filter (`metrics.rmse < 1 and params.model = 'cnn'`). */
  filter?: string;
  /** MLflow's order_by entries (`metrics.rmse DESC`, `attributes.start_time`). */
  orderBy?: string[];
  maxResults: number;
  pageToken?: string;
  viewType: ViewType;
}

export interface SearchExperimentsInput {
  /** MLflow's experiment filter (`name LIKE 'x%'`, `tags.k = 'v'`). */
  filter?: string;
  orderBy?: string[];
  maxResults: number;
  pageToken?: string;
  viewType: ViewType;
}

export interface RunComparison {
  runs: RunWithData[];
  /** Union of param keys; values in `runs` order, null where a run lacks the param. */
  params: Array<{ key: string; values: Array<string | null>; differs: boolean }>;
  /** Union of metric keys; per run, in `runs` order. */
  metrics: Array<{ key: string; last: Array<number | null>; min: Array<number | null>; max: Array<number | null> }>;
}

export interface ArtifactEntry {
  /** Relative to the run's artifact root, `/`-separated. */
  path: string;
  isDir: boolean;
  /** Bytes; null for directories. */
  size: number | null;
}

/** MLflow's log-batch limits (its own constants). */
export const LOG_BATCH_LIMITS = {
  metrics: 1000,
  params: 100,
  tags: 100,
  /** All entries together. */
  total: 1000,
  /** Request body bytes. */
  bytes: 1024 * 1024,
  paramValueChars: 6000,
  tagValueChars: 8000,
  keyChars: 250,
} as const;

export interface TrackingService {
  createExperiment(
    actor: Actor,
    input: { name: string; description?: string | null; artifactLocation?: string; tags?: Record<string, string> },
  ): Promise<ExperimentRecord>;
  getExperiment(actor: Actor, id: string): Promise<ExperimentRecord>;
  getExperimentByName(actor: Actor, name: string): Promise<ExperimentRecord>;
  searchExperiments(actor: Actor, input: SearchExperimentsInput): Promise<Page<ExperimentRecord>>;
  updateExperiment(
    actor: Actor,
    id: string,
    input: { name?: string; description?: string | null },
  ): Promise<ExperimentRecord>;
  /** MLflow's delete: lifecycle_stage becomes `deleted` (archived); its runs stay. */
  deleteExperiment(actor: Actor, id: string): Promise<void>;
  restoreExperiment(actor: Actor, id: string): Promise<void>;
  setExperimentTag(actor: Actor, id: string, key: string, value: string): Promise<void>;
  deleteExperimentTag(actor: Actor, id: string, key: string): Promise<void>;

  createRun(
    actor: Actor,
    input: {
      experimentId: string;
      name?: string | null;
      startTime?: Date | null;
      tags?: Record<string, string>;
      parentRunId?: string | null;
      sourceJobId?: string | null;
    },
  ): Promise<RunWithData>;
  getRun(actor: Actor, id: string): Promise<RunWithData>;
  updateRun(
    actor: Actor,
    id: string,
    input: { status?: RunStatus; endTime?: Date | null; name?: string | null },
  ): Promise<RunRecord>;
  deleteRun(actor: Actor, id: string): Promise<void>;
  restoreRun(actor: Actor, id: string): Promise<void>;
  /**
   * Metrics, params and tags in one transaction; resolves only once committed. Params are
   * write-once: the same value again is accepted, a different one is INVALID_PARAMETER_VALUE.
   */
  logBatch(
    actor: Actor,
    runId: string,
    batch: {
      metrics?: MetricInput[];
      params?: Record<string, string> | Array<{ key: string; value: string }>;
      tags?: Array<{ key: string; value: string }>;
    },
  ): Promise<void>;
  deleteTag(actor: Actor, runId: string, key: string): Promise<void>;
  logInputs(actor: Actor, runId: string, datasets: DatasetInput[]): Promise<void>;
  /** Every point of one metric in step then timestamp order, paged. */
  getMetricHistory(
    actor: Actor,
    runId: string,
    key: string,
    page: { maxResults?: number; pageToken?: string },
  ): Promise<Page<MetricPoint>>;
  /** Downsampled series for many runs and keys in one call (each series to at most `points`). */
  metricHistories(actor: Actor, runIds: string[], keys: string[] | null, points: number): Promise<MetricSeries[]>;
  searchRuns(actor: Actor, input: SearchRunsInput): Promise<Page<RunWithData>>;
  compareRuns(actor: Actor, runIds: string[]): Promise<RunComparison>;

  /** Lists one level of the run's artifact tree under `path` ('' is the root). */
  listArtifacts(actor: Actor, runId: string, path: string): Promise<ArtifactEntry[]>;
  putArtifact(actor: Actor, runId: string, path: string, body: Readable, size?: number): Promise<ArtifactEntry>;
  getArtifact(actor: Actor, runId: string, path: string): Promise<{ body: Readable; size: number }>;
  /** Presigned GET (download) and PUT (upload) URLs for artifact files. */
  artifactDownloadUrl(actor: Actor, runId: string, path: string): Promise<string>;
  artifactUploadUrl(actor: Actor, runId: string, path: string): Promise<string>;
}
