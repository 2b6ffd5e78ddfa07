import { LOG_BATCH_LIMITS, type MetricInput } from '../tracking/api.js';
import { invalidParameter, type MlflowError } from './errors.js';
import { invalidValue } from './request.js';

/**
 * MLflow's own checks on logged metrics, params and tags (its `mlflow/utils/validation.py`), with
 * its messages, so that a script that MLflow refuses is refused here the same way and one it
 * accepts is accepted.
 */

/** Names may hold letters, digits, `_ - . / :` and spaces (MLflow's rule outside Windows). */
const NAME = /^[/\p{L}\p{N}\p{M}_.\- :]*$/u;
const BAD_CHARACTERS =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';

/** Whether `name` would resolve to another name as a file path (`a/../b`, `./a`, `/a`). */
function resolvesElsewhere(name: string): boolean {
  if (name.startsWith('/')) return true;
  const parts = name.split('/');
  if (parts.some((part) => part === '..' || part === '.')) return true;
  // a trailing slash or doubled slashes normalize away
  return name.length > 0 && parts.some((part) => part === '');
}

function checkName(name: string, path: string): void {
  if (!NAME.test(name)) throw invalidValue(path, name, BAD_CHARACTERS);
  if (resolvesElsewhere(name)) {
    throw invalidValue(
      path,
      name,
      'Names may be treated as files in certain cases, and must not resolve to other names when treated as such.',
    );
  }
}

function checkLength(what: string, limit: number, value: string): void {
  if (value.length > limit) throw invalidParameter(`'${what}' exceeds the maximum length of ${limit} characters`);
}

const jsonPath = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field);

/** A metric as MLflow validates it; `path` is `metrics[3]` inside a batch, empty for log-metric. */
export function checkMetric(metric: MetricInput, path = ''): void {
  checkName(metric.key, jsonPath(path, 'name'));
  if (!Number.isFinite(metric.timestamp) || metric.timestamp < 0) {
    throw invalidValue(
      jsonPath(path, 'timestamp'),
      metric.timestamp,
      `metric '${metric.key}' (value=${metric.value}). Timestamp must be a nonnegative long (64-bit integer)`,
    );
  }
  checkLength('Metric name', LOG_BATCH_LIMITS.keyChars, metric.key);
}

/** A param as MLflow validates it. */
export function checkParam(key: string, value: string, path = ''): void {
  checkName(key, jsonPath(path, 'key'));
  checkLength('Param key', LOG_BATCH_LIMITS.keyChars, key);
  checkLength('Param value', LOG_BATCH_LIMITS.paramValueChars, value);
}

/** A run tag as MLflow validates it. */
export function checkTag(key: string, value: string, path = ''): void {
  checkName(key, jsonPath(path, 'key'));
  checkLength(jsonPath(path, 'key'), LOG_BATCH_LIMITS.keyChars, key);
  checkLength(jsonPath(path, 'value'), LOG_BATCH_LIMITS.tagValueChars, value);
}

/** An experiment tag: MLflow allows longer values than run tags (5,000 characters). */
export function checkExperimentTag(key: string, value: string): void {
  checkName(key, 'key');
  checkLength('key', LOG_BATCH_LIMITS.keyChars, key);
  checkLength('value', 5000, value);
}

function checkCount(what: string, limit: number, count: number): void {
  if (count > limit) {
    throw invalidParameter(
      `A batch logging request can contain at most ${limit} ${what}. Got ${count} ${what}. ` +
        `Please split up ${what} across multiple requests and try again.`,
    );
  }
}

/** MLflow's log-batch limits: at most 1,000 metrics, 100 params, 100 tags, 1,000 entries together. */
export function checkBatchLimits(metrics: number, params: number, tags: number): void {
  checkCount('metrics', LOG_BATCH_LIMITS.metrics, metrics);
  checkCount('params', LOG_BATCH_LIMITS.params, params);
  checkCount('tags', LOG_BATCH_LIMITS.tags, tags);
  checkCount('metrics, params, and tags', LOG_BATCH_LIMITS.total, metrics + params + tags);
}

/** MLflow refuses a batch that logs one param key twice. */
export function checkParamKeysUnique(params: Array<{ key: string }>): void {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const { key } of params) {
    if (seen.has(key) && !duplicates.includes(key)) duplicates.push(key);
    seen.add(key);
  }
  if (duplicates.length > 0) {
    throw invalidParameter(
      `Duplicate parameter keys have been submitted: [${duplicates.map((k) => `'${k}'`).join(', ')}]. ` +
        'Please ensure the request contains only one param value per param key.',
    );
  }
}

/** The error for a log-batch body over the size limit, measured on the raw bytes. */
export function batchTooLarge(size: number): MlflowError {
  return invalidParameter(
    `Batched logging API requests must be at most ${LOG_BATCH_LIMITS.bytes} bytes, got a request of size ${size}.`,
  );
}
