import { LOG_BATCH_LIMITS, type DatasetInput, type MetricInput } from '../tracking/api.js';
import { runIdOf, type MlflowEndpoint } from './endpoint.js';
import { invalidParameter } from './errors.js';
import { invalidValue, keyValueList, missingValue, toDouble, toInteger, type MlflowParams } from './request.js';
import { responseJson } from './shapes.js';
import {
  batchTooLarge,
  checkBatchLimits,
  checkMetric,
  checkParam,
  checkParamKeysUnique,
  checkTag,
} from './validation.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const absent = (value: unknown) => value === undefined || value === null || value === '';

/** The `metrics` of a log-batch request, each with its required key, value and timestamp. */
function batchMetrics(params: MlflowParams): MetricInput[] {
  return params.array('metrics').map((entry, index) => {
    const path = `metrics[${index}]`;
    if (!isObject(entry)) throw invalidValue(path, entry);
    if (absent(entry['key'])) throw missingValue(`${path}.key`);
    if (absent(entry['value'])) throw missingValue(`${path}.value`);
    if (absent(entry['timestamp'])) throw missingValue(`${path}.timestamp`);
    const { key, timestamp: rawTimestamp, step: rawStep } = entry;
    if (typeof key !== 'string') throw invalidValue(`${path}.key`, key);
    const value = toDouble(entry['value']);
    if (value === null) {
      throw invalidValue(
        `${path}.value`,
        entry['value'],
        `(timestamp=${String(rawTimestamp)}). Please specify value as a valid double (64-bit floating point)`,
      );
    }
    const timestamp = toInteger(rawTimestamp);
    if (timestamp === null) {
      throw invalidValue(
        `${path}.timestamp`,
        rawTimestamp,
        `metric '${key}' (value=${value}). Timestamp must be a nonnegative long (64-bit integer)`,
      );
    }
    const step = absent(rawStep) ? 0 : toInteger(rawStep);
    if (step === null) {
      throw invalidValue(
        `${path}.step`,
        rawStep,
        `metric '${key}' (value=${value}). Step must be a valid long (64-bit integer).`,
      );
    }
    return { key, value, timestamp, step };
  });
}

/**
 * `runs/log-batch`: metrics, params and tags in one call, answered once the service committed them.
 * Checked in MLflow's order: body size (on the raw bytes), required fields, counts, then each entry.
 */
export const logBatchEndpoint: MlflowEndpoint = {
  methods: ['POST'],
  path: '/mlflow/runs/log-batch',
  access: 'write',
  bodyLimit: { bytes: LOG_BATCH_LIMITS.bytes, tooLarge: batchTooLarge },
  async handle({ service, actor, params }) {
    const runId = params.runId();
    const metrics = batchMetrics(params);
    const paramList = keyValueList(params, 'params');
    const tags = keyValueList(params, 'tags');
    checkBatchLimits(metrics.length, paramList.length, tags.length);
    // a batch repeats few keys many times (one per step): check each key's name once
    const checkedKeys = new Set<string>();
    metrics.forEach((metric, index) => {
      if (checkedKeys.has(metric.key) && metric.timestamp >= 0) return;
      checkMetric(metric, `metrics[${index}]`);
      checkedKeys.add(metric.key);
    });
    paramList.forEach((param, index) => checkParam(param.key, param.value, `params[${index}]`));
    tags.forEach((tag, index) => checkTag(tag.key, tag.value, `tags[${index}]`));
    checkParamKeysUnique(paramList);
    // an empty batch still goes to the service, which refuses it for a run that does not exist
    await service.logBatch(actor, runIdOf(runId), { metrics, params: paramList, tags });
    return responseJson();
  },
};

/** MLflow's bounds on logged datasets (its validation constants). */
const DATASET_LIMITS = {
  perCall: 1000,
  name: 500,
  digest: 36,
  source: 65_535,
  schema: 1_048_575,
  profile: 16_777_215,
  tagKey: 255,
  tagValue: 500,
};

function datasetField(dataset: Record<string, unknown>, path: string, name: string, limit: number, required: boolean) {
  const value = dataset[name];
  if (absent(value)) {
    if (required) throw missingValue(`${path}.${name}`);
    return undefined;
  }
  if (typeof value !== 'string') throw invalidValue(`${path}.${name}`, value);
  if (value.length > limit)
    throw invalidParameter(`'${path}.${name}' exceeds the maximum length of ${limit} characters`);
  return value;
}

/** The `datasets` of a log-inputs request. */
function datasetInputs(params: MlflowParams): DatasetInput[] {
  const entries = params.array('datasets');
  if (entries.length > DATASET_LIMITS.perCall) {
    throw invalidParameter(
      `A batch logging request can contain at most ${DATASET_LIMITS.perCall} datasets. Got ${entries.length} datasets.`,
    );
  }
  return entries.map((entry, index) => {
    const path = `datasets[${index}]`;
    if (!isObject(entry)) throw invalidValue(path, entry);
    const dataset = entry['dataset'];
    if (absent(dataset)) throw missingValue(`${path}.dataset`);
    if (!isObject(dataset)) throw invalidValue(`${path}.dataset`, dataset);
    const at = `${path}.dataset`;
    const tags: Record<string, string> = {};
    const rawTags = entry['tags'] ?? [];
    if (!Array.isArray(rawTags)) throw invalidValue(`${path}.tags`, rawTags);
    rawTags.forEach((tag: unknown, tagIndex) => {
      const tagPath = `${path}.tags[${tagIndex}]`;
      if (!isObject(tag)) throw invalidValue(tagPath, tag);
      const key = datasetField(tag, tagPath, 'key', DATASET_LIMITS.tagKey, true)!;
      tags[key] = datasetField(tag, tagPath, 'value', DATASET_LIMITS.tagValue, false) ?? '';
    });
    return {
      name: datasetField(dataset, at, 'name', DATASET_LIMITS.name, true)!,
      digest: datasetField(dataset, at, 'digest', DATASET_LIMITS.digest, true)!,
      sourceType: datasetField(dataset, at, 'source_type', Number.MAX_SAFE_INTEGER, true)!,
      source: datasetField(dataset, at, 'source', DATASET_LIMITS.source, true)!,
      schema: datasetField(dataset, at, 'schema', DATASET_LIMITS.schema, false),
      profile: datasetField(dataset, at, 'profile', DATASET_LIMITS.profile, false),
      tags,
    };
  });
}

/** `runs/log-inputs`: the datasets a run used (`mlflow.log_input`). */
export const logInputsEndpoint: MlflowEndpoint = {
  methods: ['POST'],
  path: '/mlflow/runs/log-inputs',
  access: 'write',
  async handle({ service, actor, params }) {
    const runId = params.runId();
    const datasets = datasetInputs(params);
    await service.logInputs(actor, runIdOf(runId), datasets);
    return responseJson();
  },
};
