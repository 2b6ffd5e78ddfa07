import { posix } from 'node:path';
import { InputError, NotFoundError } from '@aitip/kit';
import { LOG_BATCH_LIMITS, type MetricInput, type RunStatus } from './api.js';

/*
 * Checks with MLflow's rules and messages, so a client written for MLflow reads the errors it
 * expects; every refusal carries `details.mlflowCode` for the REST routes.
 */

/** An InputError MLflow reports as INVALID_PARAMETER_VALUE. */
export function invalidParameter(message: string, details: Record<string, unknown> = {}): InputError {
  return new InputError(message, { ...details, mlflowCode: 'INVALID_PARAMETER_VALUE' });
}

/** A NotFoundError MLflow reports as RESOURCE_DOES_NOT_EXIST. */
export function doesNotExist(message: string): NotFoundError {
  return new NotFoundError(message, { mlflowCode: 'RESOURCE_DOES_NOT_EXIST' });
}

export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
/** Statuses a run ends in: reaching one sets its end time when none is given. */
export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set(['FINISHED', 'FAILED', 'KILLED']);

const KEY = /^[/\p{L}\p{N}_.\- :]*$/u;
const MAX_EXPERIMENT_NAME = 500;

/** A metric, param or tag key: MLflow's characters, at most 250 of them, and no path tricks. */
export function checkKey(kind: 'metric' | 'param' | 'tag', key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw invalidParameter(
      `Missing value for required parameter '${kind === 'metric' ? 'metrics' : kind + 's'}[].key'.`,
    );
  }
  if (!KEY.test(key)) {
    throw invalidParameter(
      `Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`,
    );
  }
  const normal = posix.normalize(key);
  if (normal !== key || normal === '.' || normal.startsWith('..') || normal.startsWith('/')) {
    throw invalidParameter(
      `Invalid ${kind} name: '${key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normal}'`,
    );
  }
  if (key.length > LOG_BATCH_LIMITS.keyChars) {
    throw invalidParameter(
      `${capitalize(kind)} name '${key.slice(0, 50)}…' had length ${key.length}, which exceeded length limit of ${LOG_BATCH_LIMITS.keyChars}`,
    );
  }
  return key;
}

/** A param or tag value within MLflow's length limit. */
export function checkValue(kind: 'param' | 'tag', key: string, value: unknown): string {
  if (typeof value !== 'string') throw invalidParameter(`The value of ${kind} '${key}' must be a string.`);
  const limit = kind === 'param' ? LOG_BATCH_LIMITS.paramValueChars : LOG_BATCH_LIMITS.tagValueChars;
  if (value.length > limit) {
    throw invalidParameter(
      `${capitalize(kind)} value '${value.slice(0, 50)}…' had length ${value.length}, which exceeded length limit of ${limit}`,
    );
  }
  return value;
}

/**
 * One metric point: a key, a number (NaN and ±Infinity allowed), a whole step and a millisecond
 * timestamp. `checkedKeys` remembers keys already checked, since a batch repeats a few keys many times.
 */
export function checkMetric(metric: MetricInput, checkedKeys?: Set<string>): MetricInput {
  const key = metric.key;
  if (!checkedKeys?.has(key)) {
    checkKey('metric', key);
    checkedKeys?.add(key);
  }
  if (typeof metric.value !== 'number') {
    throw invalidParameter(`Got invalid value ${String(metric.value)} for metric '${key}' (must be a number).`);
  }
  if (!Number.isSafeInteger(metric.step)) {
    throw invalidParameter(`Got invalid step ${String(metric.step)} for metric '${key}' (must be a whole number).`);
  }
  if (!Number.isSafeInteger(metric.timestamp) || metric.timestamp < 0) {
    throw invalidParameter(
      `Got invalid timestamp ${String(metric.timestamp)} for metric '${key}' (must be milliseconds since the epoch).`,
    );
  }
  return metric;
}

/** MLflow's per-request limits of log-batch. */
export function checkBatchLimits(metrics: number, params: number, tags: number): void {
  const limit = (name: string, most: number, got: number) => {
    if (got > most) {
      throw invalidParameter(
        `A batch logging request can contain at most ${most} ${name}. Got ${got} ${name}. Please split up ${name} across multiple requests and try again.`,
        { limit: most, got },
      );
    }
  };
  limit('metrics', LOG_BATCH_LIMITS.metrics, metrics);
  limit('params', LOG_BATCH_LIMITS.params, params);
  limit('tags', LOG_BATCH_LIMITS.tags, tags);
  limit('metrics, params, and tags', LOG_BATCH_LIMITS.total, metrics + params + tags);
}

/** An experiment name: not blank, not too long. */
export function checkExperimentName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw invalidParameter('Invalid experiment name: the name must be a non-empty string.');
  }
  if (name.length > MAX_EXPERIMENT_NAME) {
    throw invalidParameter(`Experiment name '${name.slice(0, 50)}…' is longer than ${MAX_EXPERIMENT_NAME} characters.`);
  }
  return name;
}

export function checkStatus(status: unknown): RunStatus {
  if (!RUN_STATUSES.includes(status as RunStatus)) {
    throw invalidParameter(`Invalid run status '${String(status)}'; use one of ${RUN_STATUSES.join(', ')}.`);
  }
  return status as RunStatus;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
