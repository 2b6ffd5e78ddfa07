import type { ViewType } from '../tracking/api.js';
import { experimentIdOf, type MlflowEndpoint } from './endpoint.js';
import { invalidParameter } from './errors.js';
import { keyValueList, type MlflowParams } from './request.js';
import { experimentJson, responseJson } from './shapes.js';
import { checkExperimentTag } from './validation.js';

/** MLflow's ViewType by name and by protobuf number. */
export const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const satisfies readonly ViewType[];
export const VIEW_TYPE_NUMBERS: Readonly<Record<number, ViewType>> = { 1: 'ACTIVE_ONLY', 2: 'DELETED_ONLY', 3: 'ALL' };

/** MLflow's default page size for searches, and the largest it accepts. */
export const SEARCH_DEFAULT_MAX_RESULTS = 1000;
export const SEARCH_MAX_RESULTS = 50_000;

/** `max_results` of a search, checked against MLflow's bounds. */
export function maxResultsOf(params: MlflowParams): number {
  const maxResults = params.integer('max_results') ?? SEARCH_DEFAULT_MAX_RESULTS;
  if (maxResults < 1 || maxResults > SEARCH_MAX_RESULTS) {
    throw invalidParameter(
      `Invalid value for max_results. It must be a positive integer at most ${SEARCH_MAX_RESULTS}, but got ${maxResults}`,
    );
  }
  return maxResults;
}

const mlflow = (path: string) => `/mlflow/experiments/${path}`;

/** experiments/create, get, get-by-name, search, update, delete, restore, set- and delete-experiment-tag. */
export const experimentEndpoints: MlflowEndpoint[] = [
  {
    methods: ['POST'],
    path: mlflow('create'),
    access: 'write',
    async handle({ service, actor, params }) {
      const name = params.string('name', { required: true });
      // AITIP keeps every run's artifacts in its own storage, served by the artifact proxy, so an
      // `artifact_location` is read (and type-checked) but not used
      params.string('artifact_location');
      const tags = keyValueList(params, 'tags');
      for (const tag of tags) checkExperimentTag(tag.key, tag.value);
      const experiment = await service.createExperiment(actor, {
        name,
        tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
      });
      return responseJson({ experiment_id: experiment.id });
    },
  },
  {
    methods: ['GET'],
    path: mlflow('get'),
    access: 'read',
    async handle({ service, actor, params }) {
      const id = experimentIdOf(params.string('experiment_id', { required: true }));
      return responseJson({ experiment: experimentJson(await service.getExperiment(actor, id)) });
    },
  },
  {
    methods: ['GET'],
    path: mlflow('get-by-name'),
    access: 'read',
    async handle({ service, actor, params }) {
      const name = params.string('experiment_name', { required: true });
      return responseJson({ experiment: experimentJson(await service.getExperimentByName(actor, name)) });
    },
  },
  {
    methods: ['POST', 'GET'],
    path: mlflow('search'),
    access: 'read',
    repeated: ['order_by'],
    async handle({ service, actor, params }) {
      const viewType = params.enumValue('view_type', VIEW_TYPES, VIEW_TYPE_NUMBERS) ?? 'ACTIVE_ONLY';
      const maxResults = maxResultsOf(params);
      const orderBy = params.strings('order_by');
      const filter = params.string('filter');
      const pageToken = params.string('page_token');
      const page = await service.searchExperiments(actor, {
        filter: filter || undefined,
        orderBy: orderBy.length ? orderBy : undefined,
        maxResults,
        pageToken: pageToken || undefined,
        viewType,
      });
      return responseJson({
        experiments: page.items.map(experimentJson),
        next_page_token: page.nextPageToken ?? undefined,
      });
    },
  },
  {
    methods: ['POST'],
    path: mlflow('update'),
    access: 'write',
    async handle({ service, actor, params }) {
      const experimentId = params.string('experiment_id', { required: true });
      const newName = params.string('new_name', { required: true });
      const id = experimentIdOf(experimentId);
      await service.updateExperiment(actor, id, { name: newName });
      return responseJson();
    },
  },
  {
    methods: ['POST'],
    path: mlflow('delete'),
    access: 'write',
    async handle({ service, actor, params }) {
      const id = experimentIdOf(params.string('experiment_id', { required: true }));
      await service.deleteExperiment(actor, id);
      return responseJson();
    },
  },
  {
    methods: ['POST'],
    path: mlflow('restore'),
    access: 'write',
    async handle({ service, actor, params }) {
      const id = experimentIdOf(params.string('experiment_id', { required: true }));
      await service.restoreExperiment(actor, id);
      return responseJson();
    },
  },
  {
    methods: ['POST'],
    path: mlflow('set-experiment-tag'),
    access: 'write',
    async handle({ service, actor, params }) {
      const experimentId = params.string('experiment_id', { required: true });
      const key = params.string('key', { required: true });
      const value = params.string('value') ?? '';
      checkExperimentTag(key, value);
      const id = experimentIdOf(experimentId);
      await service.setExperimentTag(actor, id, key, value);
      return responseJson();
    },
  },
  {
    methods: ['POST'],
    path: mlflow('delete-experiment-tag'),
    access: 'write',
    async handle({ service, actor, params }) {
      const experimentId = params.string('experiment_id', { required: true });
      const key = params.string('key', { required: true });
      const id = experimentIdOf(experimentId);
      await service.deleteExperimentTag(actor, id, key);
      return responseJson();
    },
  },
];
