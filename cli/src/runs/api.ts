import type { ApiClient } from '../api-client.js';
import { ApiError, UsageError } from '../errors.js';
import { isId } from '../ids.js';

/** An experiment as the runs commands name it. */
export interface Experiment {
  id: string;
  name: string;
  archived: boolean;
}

export interface KeyValue {
  key: string;
  value: string;
}

/** A metric's latest point and extent; `value` is null for NaN/±Infinity, which `text` spells out. */
export interface MetricSummary {
  key: string;
  value: number | null;
  text: string | null;
  step: number;
  timestamp: number;
  min: number | null;
  max: number | null;
  count: number;
}

/** A run as `runs list` shows it. */
export interface RunSummary {
  id: string;
  name: string | null;
  status: string;
  experimentId: string;
  startTime: string | null;
  endTime: string | null;
  params: KeyValue[];
  tags: KeyValue[];
  metrics: MetricSummary[];
}

/** A run with everything `runs show` prints. */
export interface RunDetail extends RunSummary {
  userId: string | null;
  sourceJobId: string | null;
  parentRunId: string | null;
  deleted: boolean;
  artifactUri: string;
  experiment: Experiment;
  inputs: Array<{ name: string; digest: string; sourceType: string; source: string; tags: KeyValue[] }>;
}

/** What `compareRuns` answers: every list follows the order of `runs`. */
export interface RunComparison {
  runs: RunSummary[];
  params: Array<{ key: string; values: Array<string | null>; differs: boolean }>;
  metrics: Array<{ key: string; last: Array<number | null>; min: Array<number | null>; max: Array<number | null> }>;
}

/** A file or directory among a run's artifacts. */
export interface ArtifactEntry {
  path: string;
  isDir: boolean;
  size: number | null;
  downloadUrl: string | null;
}

const EXPERIMENT_FIELDS = 'id name archived';
const METRIC_FIELDS = 'key value text step timestamp min max count';
const RUN_SUMMARY_FIELDS = `id name status experimentId startTime endTime params { key value } tags { key value } metrics { ${METRIC_FIELDS} }`;
const RUN_DETAIL_FIELDS = `${RUN_SUMMARY_FIELDS} userId sourceJobId parentRunId deleted artifactUri
  experiment { ${EXPERIMENT_FIELDS} } inputs { name digest sourceType source tags { key value } }`;

const EXPERIMENT_BY_ID = `query Experiment($id: ID!) { experiment(id: $id) { ${EXPERIMENT_FIELDS} } }`;
const EXPERIMENT_BY_NAME = `query ExperimentByName($name: String!) { experimentByName(name: $name) { ${EXPERIMENT_FIELDS} } }`;
const SEARCH_RUNS = `query SearchRuns($experimentIds: [ID!]!, $filter: String, $orderBy: [String!], $includeDeleted: Boolean, $first: Int, $after: String) {
  searchRuns(experimentIds: $experimentIds, filter: $filter, orderBy: $orderBy, includeDeleted: $includeDeleted, first: $first, after: $after) {
    items { ${RUN_SUMMARY_FIELDS} } nextCursor
  }
}`;
const RUN = `query Run($id: ID!) { run(id: $id) { ${RUN_DETAIL_FIELDS} } }`;
const COMPARE_RUNS = `query CompareRuns($runIds: [ID!]!) {
  compareRuns(runIds: $runIds) {
    runs { ${RUN_SUMMARY_FIELDS} }
    params { key values differs }
    metrics { key last min max }
  }
}`;
const ARTIFACTS = `query RunArtifacts($id: ID!, $path: String) { run(id: $id) { id artifacts(path: $path) { path isDir size downloadUrl } } }`;

/** The most runs one searchRuns page may hold. */
export const MAX_PAGE = 1000;
/** The most runs compareRuns takes. */
export const MAX_COMPARE = 100;

/** The experiment named by id or name; a UsageError pointing at the web UI or MLflow when there is none. */
export async function findExperiment(client: ApiClient, nameOrId: string): Promise<Experiment> {
  if (isId(nameOrId)) {
    const { experiment } = await client.request<{ experiment: Experiment | null }>(EXPERIMENT_BY_ID, { id: nameOrId });
    if (experiment) return experiment;
  }
  const { experimentByName } = await client.request<{ experimentByName: Experiment | null }>(EXPERIMENT_BY_NAME, {
    name: nameOrId,
  });
  if (!experimentByName) {
    throw new UsageError(
      `There is no experiment "${nameOrId}" in this organization. Give its exact name or id, as the web UI's ` +
        'Experiments page lists them.',
    );
  }
  return experimentByName;
}

/** Up to `limit` runs of the experiments matching the filter, in the order asked, page after page. */
export async function searchRuns(
  client: ApiClient,
  query: { experimentIds: string[]; filter?: string; orderBy: string[]; includeDeleted: boolean; limit: number },
): Promise<{ runs: RunSummary[]; more: boolean }> {
  const runs: RunSummary[] = [];
  let after: string | null = null;
  do {
    const first = Math.min(MAX_PAGE, query.limit - runs.length);
    const { searchRuns: page }: { searchRuns: { items: RunSummary[]; nextCursor: string | null } } =
      await client.request(SEARCH_RUNS, {
        experimentIds: query.experimentIds,
        filter: query.filter ?? null,
        orderBy: query.orderBy.length > 0 ? query.orderBy : null,
        includeDeleted: query.includeDeleted,
        first,
        after,
      });
    runs.push(...page.items);
    after = page.nextCursor;
  } while (after && runs.length < query.limit);
  return { runs, more: after !== null };
}

/** A run with its params, tags, metrics and inputs; a UsageError when there is none. */
export async function getRun(client: ApiClient, id: string): Promise<RunDetail> {
  const run = isId(id) ? (await client.request<{ run: RunDetail | null }>(RUN, { id })).run : null;
  if (!run) throw noSuchRun(id);
  return run;
}

/** The union of the runs' params (differences marked) and their metrics, side by side. */
export async function compareRuns(client: ApiClient, ids: string[]): Promise<RunComparison> {
  const bad = ids.find((id) => !isId(id));
  if (bad) throw noSuchRun(bad);
  return (await client.request<{ compareRuns: RunComparison }>(COMPARE_RUNS, { runIds: ids })).compareRuns;
}

/** One level of a run's artifact tree under `path` ('' is the root), with download URLs for files. */
export async function listArtifacts(client: ApiClient, runId: string, path: string): Promise<ArtifactEntry[]> {
  const { run } = isId(runId)
    ? await client.request<{ run: { artifacts: ArtifactEntry[] } | null }>(ARTIFACTS, { id: runId, path })
    : { run: null };
  if (!run) throw noSuchRun(runId);
  return run.artifacts;
}

function noSuchRun(id: string): UsageError {
  return new UsageError(
    `There is no run "${id}" in this organization. Find run ids with \`aitip runs list --experiment <name>\`.`,
  );
}

/**
 * Rewords API errors for the command line: a malformed filter or order_by gets a caret under the
 * column the API named.
 */
export function explainRunsError(err: unknown, filter?: string): unknown {
  if (!(err instanceof ApiError)) return err;
  if (err.code === 'NOT_FOUND') {
    return new ApiError(
      `${err.message} Find run ids with \`aitip runs list --experiment <name>\`.`,
      err.code,
      err.reason,
    );
  }
  if (err.code === 'BAD_USER_INPUT' && filter && err.message.startsWith('Invalid filter')) {
    const column = Number(
      /at column (\d+)/.exec(err.message)?.[1] ?? (/at the end/.test(err.message) ? filter.length + 1 : NaN),
    );
    if (Number.isInteger(column) && column >= 1) {
      return new UsageError(`${err.message}\n  ${filter}\n  ${' '.repeat(column - 1)}^`);
    }
  }
  return err;
}
