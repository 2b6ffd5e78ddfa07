import { operation } from '../graphql/operations';

/** A run's state, as MLflow names it. */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** A key and its value: experiment and run tags, run params. */
export interface KeyValue {
  key: string;
  value: string;
}

/** An experiment as the list shows it. */
export interface ExperimentSummary {
  id: string;
  name: string;
  description: string | null;
  archived: boolean;
  runCount: number;
  createdAt: string;
  updatedAt: string;
  tags: KeyValue[];
}

/** An experiment with the keys its runs use: the runs table's column chooser offers them. */
export interface ExperimentDetail extends ExperimentSummary {
  artifactLocation: string;
  paramKeys: string[];
  metricKeys: string[];
  tagKeys: string[];
}

/** The latest point of a run's metric with the series' extent. */
export interface MetricSummary {
  key: string;
  /** Null when NaN or ±Infinity, which `text` then spells out. */
  value: number | null;
  text: string | null;
  step: number;
  timestamp: number;
  /** Smallest and largest finite values; null when there is none. */
  min: number | null;
  max: number | null;
  count: number;
}

/** A run as a row of the runs table (and the compare view) shows it. */
export interface RunRow {
  id: string;
  experimentId: string;
  name: string | null;
  status: RunStatus;
  startTime: string | null;
  endTime: string | null;
  userId: string | null;
  parentRunId: string | null;
  deleted: boolean;
  params: KeyValue[];
  tags: KeyValue[];
  metrics: MetricSummary[];
}

const RUN_ROW_FIELDS = `
  id experimentId name status startTime endTime userId parentRunId deleted
  params { key value }
  tags { key value }
  metrics { key value text step timestamp min max count }
`;

const EXPERIMENT_FIELDS = 'id name description archived runCount createdAt updatedAt tags { key value }';

/** Experiments per page of the list. */
export const EXPERIMENTS_PAGE_SIZE = 50;

export const EXPERIMENTS = operation<
  { experiments: { items: ExperimentSummary[]; nextCursor: string | null } },
  { filter: string | null; orderBy: string[]; includeArchived: boolean; first: number; after: string | null }
>(`
  query Experiments($filter: String, $orderBy: [String!], $includeArchived: Boolean, $first: Int, $after: String) {
    experiments(filter: $filter, orderBy: $orderBy, includeArchived: $includeArchived, first: $first, after: $after) {
      items { ${EXPERIMENT_FIELDS} }
      nextCursor
    }
  }
`);

export const EXPERIMENT = operation<{ experiment: ExperimentDetail | null }, { id: string }>(`
  query Experiment($id: ID!) {
    experiment(id: $id) { ${EXPERIMENT_FIELDS} artifactLocation paramKeys metricKeys tagKeys }
  }
`);

/** Runs per request of the runs table (the API takes up to 1,000). */
export const RUNS_PAGE_SIZE = 200;

export const SEARCH_RUNS = operation<
  { searchRuns: { items: RunRow[]; nextCursor: string | null } },
  {
    experimentIds: string[];
    filter: string | null;
    orderBy: string[] | null;
    includeDeleted: boolean;
    first: number;
    after: string | null;
  }
>(`
  query SearchRuns(
    $experimentIds: [ID!]!
    $filter: String
    $orderBy: [String!]
    $includeDeleted: Boolean
    $first: Int
    $after: String
  ) {
    searchRuns(
      experimentIds: $experimentIds
      filter: $filter
      orderBy: $orderBy
      includeDeleted: $includeDeleted
      first: $first
      after: $after
    ) {
      items { ${RUN_ROW_FIELDS} }
      nextCursor
    }
  }
`);

/** A dataset a run used (MLflow's log-inputs). */
export interface DatasetInput {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
}

/** A run with everything its page shows. */
export interface RunDetail extends RunRow {
  sourceJobId: string | null;
  artifactUri: string;
  experiment: { id: string; name: string };
  children: { id: string; name: string | null; status: RunStatus }[];
  inputs: DatasetInput[];
}

export const RUN = operation<{ run: RunDetail | null }, { id: string }>(`
  query Run($id: ID!) {
    run(id: $id) {
      ${RUN_ROW_FIELDS}
      sourceJobId artifactUri
      experiment { id name }
      children { id name status }
      inputs { name digest sourceType source }
    }
  }
`);

/** One point of a metric; `value` is null for NaN or ±Infinity, which `text` then spells out. */
export interface MetricPoint {
  step: number;
  value: number | null;
  text?: string | null;
  timestamp: number;
}

/** A metric series, downsampled by the API to at most the points asked for. */
export interface MetricSeries {
  runId: string;
  key: string;
  points: MetricPoint[];
  total: number;
  min: number | null;
  max: number | null;
  last: MetricPoint | null;
  downsampled: boolean;
}

const SERIES_FIELDS = `
  runId key total min max downsampled
  points { step value timestamp }
  last { step value text timestamp }
`;

/** Points per series a chart asks for: about one per horizontal pixel. */
export const CHART_POINTS = 1000;

export const RUN_METRIC_HISTORY = operation<
  { run: { id: string; metricHistory: MetricSeries[] } | null },
  { id: string; keys: string[] | null; points: number }
>(`
  query RunMetricHistory($id: ID!, $keys: [String!], $points: Int) {
    run(id: $id) {
      id
      metricHistory(keys: $keys, points: $points) { ${SERIES_FIELDS} }
    }
  }
`);

/** One entry of a run's artifact tree; files carry a presigned download URL. */
export interface ArtifactEntry {
  path: string;
  isDir: boolean;
  size: number | null;
  downloadUrl: string | null;
}

export const RUN_ARTIFACTS = operation<
  { run: { id: string; artifacts: ArtifactEntry[] } | null },
  { id: string; path: string }
>(`
  query RunArtifacts($id: ID!, $path: String) {
    run(id: $id) {
      id
      artifacts(path: $path) { path isDir size downloadUrl }
    }
  }
`);

/** What `compareRuns` answers: values are in `runs` order, null where a run has none. */
export interface RunComparison {
  runs: (RunRow & { experiment: { id: string; name: string } })[];
  params: { key: string; values: (string | null)[]; differs: boolean }[];
  metrics: { key: string; last: (number | null)[]; min: (number | null)[]; max: (number | null)[] }[];
}

export const COMPARE_RUNS = operation<{ compareRuns: RunComparison }, { runIds: string[] }>(`
  query CompareRuns($runIds: [ID!]!) {
    compareRuns(runIds: $runIds) {
      runs { ${RUN_ROW_FIELDS} experiment { id name } }
      params { key values differs }
      metrics { key last min max }
    }
  }
`);

export const METRIC_HISTORIES = operation<
  { metricHistories: MetricSeries[] },
  { runIds: string[]; keys: string[] | null; points: number }
>(`
  query MetricHistories($runIds: [ID!]!, $keys: [String!], $points: Int) {
    metricHistories(runIds: $runIds, keys: $keys, points: $points) { ${SERIES_FIELDS} }
  }
`);

/** A batch of points a run logged, as `runMetrics` sends it. */
export interface RunMetricsEvent {
  cursor: string;
  runId: string;
  points: { key: string; step: number; value: number | null; text: string | null; timestamp: number }[];
}

/** Plain text: the page subscribes through graphql-ws itself (see useLiveStream). */
export const RUN_METRICS_SOURCE = `
  subscription RunMetrics($runId: ID!, $fromStep: Float, $after: String) {
    runMetrics(runId: $runId, fromStep: $fromStep, after: $after) {
      cursor runId
      points { key step value text timestamp }
    }
  }
`;

/** A run created or changed (status, name, end), as `runUpdated` sends it. */
export interface RunUpdatedEvent {
  cursor: string;
  runId: string;
  experimentId: string;
  status: RunStatus;
  run: RunRow | null;
}

export const RUN_UPDATED_SOURCE = `
  subscription RunUpdated($experimentId: ID!, $after: String) {
    runUpdated(experimentId: $experimentId, after: $after) {
      cursor runId experimentId status
      run { ${RUN_ROW_FIELDS} }
    }
  }
`;
