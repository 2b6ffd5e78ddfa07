import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, ForbiddenError, InputError, NotFoundError, UnauthenticatedError } from '@aitip/kit';
import type { ExperimentRecord, RunWithData } from '../src/tracking/api.js';
import { safeArtifactPath } from '../src/mlflow/artifacts.js';
import { experimentIdOf, normalizeId, runIdOf } from '../src/mlflow/endpoint.js';
import { MlflowError, toMlflowError } from '../src/mlflow/errors.js';
import { MlflowParams, parseJsonBody, queryParams } from '../src/mlflow/request.js';
import { experimentJson, runJson } from '../src/mlflow/shapes.js';
import { checkBatchLimits, checkMetric, checkParamKeysUnique } from '../src/mlflow/validation.js';

const EXPERIMENT_ID = '0b7f3a52-64c4-4f4e-9b8e-3d2f1c0a9e11';
const RUN_ID = '5d1e2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b';

/** What an MLflow call that fails with `err` answers: status, error_code and message. */
function answerOf(err: unknown): { status: number; errorCode: string; message: string } {
  const mapped = toMlflowError(err);
  assert.ok(mapped, 'an expected error maps to an MLflow error');
  return { status: mapped.status, errorCode: mapped.errorCode, message: mapped.message };
}

function failureOf(work: () => unknown) {
  try {
    work();
  } catch (err) {
    return answerOf(err);
  }
  assert.fail('expected the call to fail');
}

describe('MLflow REST shapes: records as MLflow writes them', () => {
  const experiment: ExperimentRecord = {
    id: EXPERIMENT_ID,
    orgId: 'org',
    name: 'mnist',
    description: null,
    artifactLocation: `mlflow-artifacts:/${EXPERIMENT_ID}`,
    lifecycleStage: 'active',
    tags: { team: 'vision' },
    createdBy: null,
    createdAt: new Date(1_700_000_000_000),
    updatedAt: new Date(1_700_000_500_000),
  };

  test('an experiment has its id, name, location, stage, times in milliseconds and tags as key/value entries', () => {
    assert.deepEqual(experimentJson(experiment), {
      experiment_id: EXPERIMENT_ID,
      name: 'mnist',
      artifact_location: `mlflow-artifacts:/${EXPERIMENT_ID}`,
      lifecycle_stage: 'active',
      last_update_time: 1_700_000_500_000,
      creation_time: 1_700_000_000_000,
      tags: [{ key: 'team', value: 'vision' }],
    });
    assert.equal('tags' in (experimentJson({ ...experiment, tags: {} }) as object), false, 'empty lists are left out');
  });

  const run: RunWithData = {
    id: RUN_ID,
    orgId: 'org',
    experimentId: EXPERIMENT_ID,
    name: 'swift-owl-1',
    status: 'RUNNING',
    startTime: new Date(1_700_000_001_000),
    endTime: null,
    userId: null,
    sourceJobId: null,
    parentRunId: null,
    lifecycleStage: 'active',
    artifactUri: `mlflow-artifacts:/${EXPERIMENT_ID}/${RUN_ID}/artifacts`,
    createdAt: new Date(1_700_000_001_000),
    updatedAt: new Date(1_700_000_001_000),
    params: { lr: '0.01' },
    tags: { 'mlflow.user': 'ada' },
    metrics: [
      { key: 'loss', value: 0.25, step: 3, timestamp: 1_700_000_002_000, min: 0.25, max: 1, count: 4 },
      { key: 'diverged', value: Number.NaN, step: 0, timestamp: 1_700_000_002_000, min: 0, max: 0, count: 1 },
    ],
    inputs: [{ name: 'mnist', digest: 'abc', sourceType: 'local', source: '/data', tags: { context: 'train' } }],
  };

  test('a run has info (run_id and run_uuid), data (latest metrics, params, tags) and inputs', () => {
    assert.deepEqual(runJson(run), {
      info: {
        run_id: RUN_ID,
        run_uuid: RUN_ID,
        run_name: 'swift-owl-1',
        experiment_id: EXPERIMENT_ID,
        user_id: '',
        status: 'RUNNING',
        start_time: 1_700_000_001_000,
        artifact_uri: `mlflow-artifacts:/${EXPERIMENT_ID}/${RUN_ID}/artifacts`,
        lifecycle_stage: 'active',
      },
      data: {
        metrics: [
          { key: 'loss', value: 0.25, timestamp: 1_700_000_002_000, step: 3 },
          { key: 'diverged', value: 'NaN', timestamp: 1_700_000_002_000, step: 0 },
        ],
        params: [{ key: 'lr', value: '0.01' }],
        tags: [
          { key: 'mlflow.user', value: 'ada' },
          { key: 'mlflow.runName', value: 'swift-owl-1' },
        ],
      },
      inputs: {
        dataset_inputs: [
          {
            tags: [{ key: 'context', value: 'train' }],
            dataset: { name: 'mnist', digest: 'abc', source_type: 'local', source: '/data' },
          },
        ],
      },
    });
  });

  test('a run with nothing logged still has data and inputs objects, as MLflow writes them', () => {
    const bare = runJson({ ...run, name: null, params: {}, tags: {}, metrics: [], inputs: [] }) as Record<
      string,
      unknown
    >;
    assert.deepEqual(bare['data'], {});
    assert.deepEqual(bare['inputs'], {});
  });
});

describe('MLflow REST requests: fields read and checked as MLflow reads them', () => {
  test('a missing required field is INVALID_PARAMETER_VALUE naming it', () => {
    const answer = failureOf(() => new MlflowParams({}).string('experiment_id', { required: true }));
    assert.equal(answer.status, 400);
    assert.equal(answer.errorCode, 'INVALID_PARAMETER_VALUE');
    assert.match(answer.message, /^Missing value for required parameter 'experiment_id'\./);
    assert.match(
      failureOf(() => new MlflowParams({ name: '' }).string('name', { required: true })).message,
      /Missing value for required parameter 'name'/,
      'an empty string is missing, as protobuf cannot tell them apart',
    );
  });

  test('a value of the wrong type names the field, the value and its type', () => {
    const answer = failureOf(() => new MlflowParams({ name: 123 }).string('name'));
    assert.equal(answer.errorCode, 'INVALID_PARAMETER_VALUE');
    assert.match(answer.message, /Invalid value 123 for parameter 'name' supplied: Hint: Value was of type 'int'/);
    assert.match(failureOf(() => new MlflowParams({ max_results: 'ten' }).integer('max_results')).message, /'str'/);
  });

  test('run_uuid stands in for run_id; int64 fields accept strings; doubles accept NaN and Infinity strings', () => {
    assert.equal(new MlflowParams({ run_uuid: 'abc' }).runId(), 'abc');
    assert.equal(new MlflowParams({ run_id: 'x', run_uuid: 'y' }).runId(), 'x');
    assert.match(failureOf(() => new MlflowParams({}).runId()).message, /'run_id'/);
    assert.equal(new MlflowParams({ step: '42' }).integer('step'), 42);
    assert.ok(Number.isNaN(new MlflowParams({ value: 'NaN' }).double('value')));
    assert.equal(new MlflowParams({ value: '-Infinity' }).double('value'), Number.NEGATIVE_INFINITY);
    assert.equal(new MlflowParams({ value: 1.5 }).double('value'), 1.5);
  });

  test('enums are read by name or protobuf number', () => {
    const views = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
    const numbers = { 1: 'ACTIVE_ONLY', 2: 'DELETED_ONLY', 3: 'ALL' } as const;
    assert.equal(new MlflowParams({ view_type: 'ALL' }).enumValue('view_type', views, numbers), 'ALL');
    assert.equal(new MlflowParams({ view_type: 2 }).enumValue('view_type', views, numbers), 'DELETED_ONLY');
    assert.equal(
      failureOf(() => new MlflowParams({ view_type: 'SOME' }).enumValue('view_type', views, numbers)).status,
      400,
    );
  });

  test('a GET query keeps repeated fields as lists and others as single values', () => {
    const query = new URLSearchParams('experiment_ids=a&experiment_ids=b&filter=x&order_by=y');
    assert.deepEqual(queryParams(query, ['experiment_ids', 'order_by']), {
      experiment_ids: ['a', 'b'],
      filter: 'x',
      order_by: ['y'],
    });
  });

  test('bodies: malformed JSON is BAD_REQUEST, an empty body an empty request, double-encoded JSON is decoded', () => {
    const malformed = failureOf(() => parseJsonBody(Buffer.from('{"name": ')));
    assert.deepEqual([malformed.status, malformed.errorCode], [400, 'BAD_REQUEST']);
    assert.equal(failureOf(() => parseJsonBody(Buffer.from('[1, 2]'))).errorCode, 'BAD_REQUEST');
    assert.deepEqual(parseJsonBody(Buffer.from('')), {});
    assert.deepEqual(parseJsonBody(Buffer.from(JSON.stringify(JSON.stringify({ name: 'x' })))), { name: 'x' });
  });

  test('ids: UUIDs with or without dashes; the default experiment 0; anything else does not exist', () => {
    assert.equal(normalizeId(RUN_ID.replace(/-/g, '').toUpperCase()), RUN_ID);
    assert.equal(experimentIdOf('0'), '0');
    const unknownRun = failureOf(() => runIdOf('not-a-run'));
    assert.deepEqual([unknownRun.status, unknownRun.errorCode], [404, 'RESOURCE_DOES_NOT_EXIST']);
    assert.equal(failureOf(() => experimentIdOf('12')).message, 'No Experiment with id=12 exists');
  });

  test('artifact paths are percent-decoded and may not climb out of the run', () => {
    assert.equal(safeArtifactPath('a/b%20c.txt'), 'a/b c.txt');
    assert.equal(safeArtifactPath('a//./b/'), 'a/b');
    for (const bad of ['../x', 'a/%2E%2E/b', '/etc/passwd', 'C:/x', 'a\\b', '%E0%A4%A']) {
      assert.equal(failureOf(() => safeArtifactPath(bad)).errorCode, 'INVALID_PARAMETER_VALUE', bad);
    }
  });
});

describe('MLflow REST errors and limits', () => {
  test("kit errors map to MLflow's codes and statuses; the service's mlflowCode wins", () => {
    assert.deepEqual(answerOf(new NotFoundError('gone')), {
      status: 404,
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      message: 'gone',
    });
    assert.equal(answerOf(new ConflictError('taken')).errorCode, 'RESOURCE_ALREADY_EXISTS');
    assert.equal(answerOf(new ConflictError('taken')).status, 400);
    assert.deepEqual(
      [answerOf(new ForbiddenError('no')).status, answerOf(new ForbiddenError('no')).errorCode],
      [403, 'PERMISSION_DENIED'],
    );
    assert.equal(answerOf(new UnauthenticatedError('who')).status, 401);
    assert.equal(answerOf(new InputError('bad')).errorCode, 'INVALID_PARAMETER_VALUE');
    const named = answerOf(new InputError('bad state', { mlflowCode: 'INVALID_STATE' }));
    assert.deepEqual([named.errorCode, named.status], ['INVALID_STATE', 500]);
    assert.equal(toMlflowError(new Error('boom')), null, 'unexpected errors are not shown as they are');
    assert.equal(new MlflowError('ENDPOINT_NOT_FOUND', 'x').status, 404);
  });

  test("log-batch counts and duplicate params are refused with MLflow's messages", () => {
    assert.doesNotThrow(() => checkBatchLimits(1000, 0, 0));
    assert.match(failureOf(() => checkBatchLimits(1001, 0, 0)).message, /at most 1000 metrics\. Got 1001 metrics/);
    assert.match(failureOf(() => checkBatchLimits(0, 101, 0)).message, /at most 100 params/);
    assert.match(failureOf(() => checkBatchLimits(0, 0, 101)).message, /at most 100 tags/);
    assert.match(failureOf(() => checkBatchLimits(900, 100, 1)).message, /at most 1000 metrics, params, and tags/);
    assert.match(
      failureOf(() => checkParamKeysUnique([{ key: 'lr' }, { key: 'lr' }])).message,
      /Duplicate parameter keys have been submitted: \['lr'\]/,
    );
  });

  test('metric names follow MLflow: letters, digits, _ - . / : and spaces, no path tricks, no negative timestamps', () => {
    assert.doesNotThrow(() => checkMetric({ key: 'val/loss: top-1 acc', value: 1, timestamp: 0, step: 0 }));
    assert.match(
      failureOf(() => checkMetric({ key: 'loss!', value: 1, timestamp: 0, step: 0 }, 'metrics[2]')).message,
      /Invalid value "loss!" for parameter 'metrics\[2\]\.name' supplied: Names may only contain/,
    );
    assert.equal(failureOf(() => checkMetric({ key: 'a/../b', value: 1, timestamp: 0, step: 0 })).status, 400);
    assert.equal(failureOf(() => checkMetric({ key: 'a', value: 1, timestamp: -1, step: 0 })).status, 400);
  });
});
