import type { RunStatus, TrackingService, Actor } from '../tracking/api.js';
import {
  experimentIdOf,
  isNotFound,
  normalizeId,
  runIdOf,
  DEFAULT_EXPERIMENT_ID,
  DEFAULT_EXPERIMENT_NAME,
  type MlflowEndpoint,
} from './endpoint.js';
import { VIEW_TYPES, VIEW_TYPE_NUMBERS, maxResultsOf } from './experiments.js';
import { logBatchEndpoint, logInputsEndpoint } from './run-logging.js';
import { keyValueList } from './request.js';
import { metricPointJson, responseJson, runInfoJson, runJson } from './shapes.js';
import { checkMetric, checkParam, checkTag } from './validation.js';

/** MLflow's RunStatus by name and by protobuf number. */
const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const satisfies readonly RunStatus[];
const RUN_STATUS_NUMBERS: Readonly<Record<number, RunStatus>> = {
  1: 'RUNNING',
  2: 'SCHEDULED',
  3: 'FINISHED',
  4: 'FAILED',
  5: 'KILLED',
};

const mlflow = (path: string) => `/mlflow/${path}`;

/**
 * The experiments a run search covers. Like MLflow, ids that name no experiment match no runs
 * rather than failing the search; `0` is the organization's default experiment.
 */
async function searchedExperiments(service: TrackingService, actor: Actor, ids: string[]): Promise<string[]> {
  const resolved = new Set<string>();
  for (const id of ids) {
    if (id !== DEFAULT_EXPERIMENT_ID) {
      const normalized = normalizeId(id);
      if (normalized) resolved.add(normalized);
      continue;
    }
    try {
      resolved.add((await service.getExperimentByName(actor, DEFAULT_EXPERIMENT_NAME)).id);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return [...resolved];
}

/** runs/create, get, update, delete, restore, search, log-metric, log-parameter, set-tag, delete-tag, log-batch, log-inputs; metrics/get-history. */
export const runEndpoints: MlflowEndpoint[] = [
  {
    methods: ['POST'],
    path: mlflow('runs/create'),
    access: 'write',
    async handle({ service, actor, params }) {
      const experimentId = params.string('experiment_id') || DEFAULT_EXPERIMENT_ID;
      const startTime = params.integer('start_time');
      const runName = params.string('run_name');
      // MLflow records `user_id` as sent; AITIP records the caller it authenticated instead
      params.string('user_id');
      const tags = keyValueList(params, 'tags');
      tags.forEach((tag, index) => checkTag(tag.key, tag.value, `tags[${index}]`));
      // the service names the run from `run_name` or the `mlflow.runName` tag (refusing the two when
      // they differ) and makes a run tagged `mlflow.parentRunId` a nested run of that parent
      const run = await service.createRun(actor, {
        experimentId: experimentIdOf(experimentId),
        name: runName || null,
        startTime: startTime === undefined ? undefined : new Date(startTime),
        tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
      });
      return responseJson({ run: runJson(run) });
    },
  },
  {
    methods: ['GET'],
    path: mlflow('runs/get'),
    access: 'read',
    async handle({ service, actor, params }) {
      const run = await service.getRun(actor, runIdOf(params.runId()));
      return responseJson({ run: runJson(run) });
    },
  },
  {
    methods: ['POST'],
    path: mlflow('runs/update'),
    access: 'write',
    async handle({ service, actor, params }) {
      const runId = params.runId();
      const endTime = params.integer('end_time');
      const status = params.enumValue('status', RUN_STATUSES, RUN_STATUS_NUMBERS);
      const runName = params.string('run_name');
      const run = await service.updateRun(actor, runIdOf(runId), {
        ...(status ? { status } : {}),
        ...(endTime !== undefined ? { endTime: new Date(endTime) } : {}),
        ...(runName ? { name: runName } : {}),
      });
      return responseJson({ run_info: runInfoJson(run) });
    },
  },
  {
    methods: ['POST'],
    path: mlflow('runs/delete'),
    access: 'write',
    async handle({ service, actor, params }) {
      await service.deleteRun(actor, runIdOf(params.runId()));
      return responseJson();
    },
  },
  {
    methods: ['POST'],
    path: mlflow('runs/restore'),
    access: 'write',
    async handle({ service, actor, params }) {
      await service.restoreRun(actor, runIdOf(params.runId()));
      return responseJson();
    },
  },
  {
    methods: ['POST', 'GET'],
    path: mlflow('runs/search'),
    access: 'read',
    repeated: ['experiment_ids', 'order_by'],
    async handle({ service, actor, params }) {
      const requested = params.strings('experiment_ids');
      const filter = params.string('filter');
      const viewType = params.enumValue('run_view_type', VIEW_TYPES, VIEW_TYPE_NUMBERS) ?? 'ACTIVE_ONLY';
      const maxResults = maxResultsOf(params);
      const orderBy = params.strings('order_by');
      const pageToken = params.string('page_token');
      const experimentIds = await searchedExperiments(service, actor, requested);
      if (experimentIds.length === 0) return responseJson();
      const page = await service.searchRuns(actor, {
        experimentIds,
        filter: filter || undefined,
        orderBy: orderBy.length ? orderBy : undefined,
        maxResults,
        pageToken: pageToken || undefined,
        viewType,
      });
      return responseJson({ runs: page.items.map(runJson), next_page_token: page.nextPageToken ?? undefined });
    },
  },
  {
    methods: ['POST'],
    path: mlflow('runs/log-metric'),
    access: 'write',
    async handle({ service, actor, params }) {
      const runId = params.runId();
      const key = params.string('key', { required: true });
      const value = params.double('value', { required: true });
      const timestamp = params.integer('timestamp', { required: true });
      const step = params.integer('step') ?? 0;
      const metric = { key, value, timestamp, step };
      checkMetric(metric);
      await service.logBatch(actor, runIdOf(runId), { metrics: [metric] });
      return responseJson();
    },
  },
  {
    methods: ['POST'],
    path: mlflow('runs/log-parameter'),
    access: 'write',
    async handle({ service, actor, params }) {
      const runId = params.runId();
      const key = params.string('key', { required: true });
      const value = params.string('value') ?? '';
      checkParam(key, value);
      await service.logBatch(actor, runIdOf(runId), { params: [{ key, value }] });
      return responseJson();
    },
  },
  {
    methods: ['POST'],
    path: mlflow('runs/set-tag'),
    access: 'write',
    async handle({ service, actor, params }) {
      const runId = params.runId();
      const key = params.string('key', { required: true });
      const value = params.string('value') ?? '';
      checkTag(key, value);
      await service.logBatch(actor, runIdOf(runId), { tags: [{ key, value }] });
      return responseJson();
    },
  },
  {
    methods: ['POST'],
    path: mlflow('runs/delete-tag'),
    access: 'write',
    async handle({ service, actor, params }) {
      const runId = params.runId();
      const key = params.string('key', { required: true });
      await service.deleteTag(actor, runIdOf(runId), key);
      return responseJson();
    },
  },
  logBatchEndpoint,
  logInputsEndpoint,
  {
    methods: ['GET'],
    path: mlflow('metrics/get-history'),
    access: 'read',
    async handle({ service, actor, params }) {
      const runId = params.runId();
      const key = params.string('metric_key', { required: true });
      const maxResults = params.integer('max_results');
      const pageToken = params.string('page_token');
      const page = await service.getMetricHistory(actor, runIdOf(runId), key, {
        ...(maxResults !== undefined ? { maxResults } : {}),
        ...(pageToken ? { pageToken } : {}),
      });
      return responseJson({
        metrics: page.items.map((point) => metricPointJson(key, point)),
        next_page_token: page.nextPageToken ?? undefined,
      });
    },
  },
];
