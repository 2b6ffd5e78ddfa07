import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { anonymousIdentity, type Identity } from '@aitip/kit';
import { LOG_BATCH_LIMITS } from '../src/tracking/api.js';
import { member, startExperiments, type ExperimentsHarness } from './support.js';
import { assertMlflowError, mlflowClient, type MlflowTestClient } from './mlflow-client.js';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe('MLflow REST API: endpoints, error shapes, limits and tenancy (PostgreSQL, Redis, S3 server)', () => {
  let h: ExperimentsHarness;
  let ada: Identity;
  let client: MlflowTestClient;

  /** A new experiment and a run in it, made over REST. */
  const experimentWithRun = async (who = client) => {
    const { experiment_id: experimentId } = await who.ok('POST', 'experiments/create', { name: unique('exp') });
    const { run } = await who.ok('POST', 'runs/create', { experiment_id: experimentId, start_time: Date.now() });
    return { experimentId: experimentId as string, runId: run.info.run_id as string };
  };

  before(async () => {
    h = await startExperiments('real');
    ada = member(randomUUID());
    client = mlflowClient(h, ada);
  });
  after(async () => h?.close());

  describe('experiments', () => {
    test('create answers the id; get has the experiment with tags; a taken name is RESOURCE_ALREADY_EXISTS (400)', async () => {
      const name = unique('exp');
      const created = await client.ok('POST', 'experiments/create', {
        name,
        tags: [{ key: 'team', value: 'vision' }],
      });
      assert.deepEqual(Object.keys(created), ['experiment_id']);
      const { experiment } = await client.ok('GET', 'experiments/get', { experiment_id: created.experiment_id });
      assert.equal(experiment.name, name);
      assert.equal(experiment.lifecycle_stage, 'active');
      assert.equal(experiment.artifact_location, `mlflow-artifacts:/${created.experiment_id}`);
      assert.equal(typeof experiment.creation_time, 'number');
      assert.equal(typeof experiment.last_update_time, 'number');
      assert.deepEqual(experiment.tags, [{ key: 'team', value: 'vision' }]);
      assertMlflowError(
        await client.post('experiments/create', { name }),
        400,
        'RESOURCE_ALREADY_EXISTS',
        /already exists/,
      );
    });

    test('required fields, wrong types and malformed JSON are refused as MLflow refuses them', async () => {
      assertMlflowError(
        await client.post('experiments/create', {}),
        400,
        'INVALID_PARAMETER_VALUE',
        /^Missing value for required parameter 'name'\. See the API docs/,
      );
      assertMlflowError(
        await client.post('experiments/create', { name: 42 }),
        400,
        'INVALID_PARAMETER_VALUE',
        /Invalid value 42 for parameter 'name' supplied/,
      );
      assertMlflowError(
        await client.get('experiments/get'),
        400,
        'INVALID_PARAMETER_VALUE',
        /Missing value for required parameter 'experiment_id'/,
      );
      const malformed = await h.rest('/2.0/mlflow/experiments/create', {
        method: 'POST',
        body: '{"name": "unterminated',
        headers: { 'content-type': 'application/json' },
        identity: ada,
      });
      assertMlflowError(malformed, 400, 'BAD_REQUEST');
    });

    test('an unknown experiment is RESOURCE_DOES_NOT_EXIST (404), by id and by name', async () => {
      assertMlflowError(
        await client.get('experiments/get', { experiment_id: randomUUID() }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      assertMlflowError(await client.get('experiments/get', { experiment_id: '123' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      assertMlflowError(
        await client.get('experiments/get-by-name', { experiment_name: unique('nothing') }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
    });

    test('search by POST and GET: filter, order, pages with next_page_token, view types', async () => {
      const prefix = unique('search');
      const ids: string[] = [];
      for (const n of [1, 2, 3]) {
        ids.push((await client.ok('POST', 'experiments/create', { name: `${prefix}-${n}` })).experiment_id);
      }
      const filter = `name LIKE '${prefix}-%'`;
      const first = await client.ok('POST', 'experiments/search', { filter, max_results: 2, order_by: ['name ASC'] });
      assert.deepEqual(
        first.experiments.map((e: { name: string }) => e.name),
        [`${prefix}-1`, `${prefix}-2`],
      );
      assert.equal(typeof first.next_page_token, 'string');
      const second = await client.ok('GET', 'experiments/search', {
        filter,
        max_results: 2,
        order_by: ['name ASC'],
        page_token: first.next_page_token,
      });
      assert.deepEqual(
        second.experiments.map((e: { name: string }) => e.name),
        [`${prefix}-3`],
      );
      assert.equal(second.next_page_token, undefined, 'the last page has no token');

      await client.ok('POST', 'experiments/delete', { experiment_id: ids[0] });
      const active = await client.ok('POST', 'experiments/search', { filter });
      assert.equal(active.experiments.length, 2);
      const deleted = await client.ok('POST', 'experiments/search', { filter, view_type: 'DELETED_ONLY' });
      assert.deepEqual(
        deleted.experiments.map((e: { experiment_id: string; lifecycle_stage: string }) => [
          e.experiment_id,
          e.lifecycle_stage,
        ]),
        [[ids[0], 'deleted']],
      );
      const all = await client.ok('GET', 'experiments/search', { filter, view_type: 'ALL' });
      assert.equal(all.experiments.length, 3);
      await client.ok('POST', 'experiments/restore', { experiment_id: ids[0] });
      assert.equal((await client.ok('POST', 'experiments/search', { filter })).experiments.length, 3);

      assertMlflowError(await client.post('experiments/search', { filter: 'name = ' }), 400, 'INVALID_PARAMETER_VALUE');
      assertMlflowError(
        await client.post('experiments/search', { max_results: 50_001 }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
    });

    test('update renames (new_name required); set- and delete-experiment-tag', async () => {
      const { experiment_id: id } = await client.ok('POST', 'experiments/create', { name: unique('old') });
      const newName = unique('new');
      assert.deepEqual(await client.ok('POST', 'experiments/update', { experiment_id: id, new_name: newName }), {});
      assertMlflowError(
        await client.post('experiments/update', { experiment_id: id }),
        400,
        'INVALID_PARAMETER_VALUE',
        /'new_name'/,
      );
      assert.deepEqual(
        await client.ok('POST', 'experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v' }),
        {},
      );
      let { experiment } = await client.ok('GET', 'experiments/get', { experiment_id: id });
      assert.equal(experiment.name, newName);
      assert.deepEqual(experiment.tags, [{ key: 'k', value: 'v' }]);
      assert.deepEqual(
        await client.ok('POST', 'experiments/delete-experiment-tag', { experiment_id: id, key: 'k' }),
        {},
      );
      ({ experiment } = await client.ok('GET', 'experiments/get', { experiment_id: id }));
      assert.equal(experiment.tags, undefined);
      assertMlflowError(
        await client.post('experiments/delete-experiment-tag', { experiment_id: id, key: 'k' }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
    });
  });

  describe('runs', () => {
    test('get, update (status, end time, name), delete and restore', async () => {
      const { runId } = await experimentWithRun();
      const renamed = await client.ok('POST', 'runs/update', { run_id: runId, run_name: 'renamed', status: 'KILLED' });
      assert.equal(renamed.run_info.run_name, 'renamed');
      assert.equal(renamed.run_info.status, 'KILLED');
      assert.equal(typeof renamed.run_info.end_time, 'number', 'a run that ends gets an end time');
      assertMlflowError(
        await client.post('runs/update', { run_id: runId, status: 'PAUSED' }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
      assert.deepEqual(await client.ok('POST', 'runs/delete', { run_id: runId }), {});
      const { run } = await client.ok('GET', 'runs/get', { run_id: runId });
      assert.equal(run.info.lifecycle_stage, 'deleted');
      assertMlflowError(
        await client.post('runs/log-metric', { run_id: runId, key: 'm', value: 1, timestamp: 1 }),
        400,
        'INVALID_PARAMETER_VALUE',
        /active/,
      );
      await client.ok('POST', 'runs/restore', { run_id: runId });
      assert.equal((await client.ok('GET', 'runs/get', { run_id: runId })).run.info.lifecycle_stage, 'active');
    });

    test('an unknown run is RESOURCE_DOES_NOT_EXIST (404) everywhere; run_id is required', async () => {
      const unknown = randomUUID();
      assertMlflowError(await client.get('runs/get', { run_id: unknown }), 404, 'RESOURCE_DOES_NOT_EXIST');
      assertMlflowError(await client.get('runs/get', { run_id: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      assertMlflowError(
        await client.post('runs/log-batch', { run_id: unknown, metrics: [{ key: 'a', value: 1, timestamp: 1 }] }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      assertMlflowError(
        await client.get('runs/get'),
        400,
        'INVALID_PARAMETER_VALUE',
        /Missing value for required parameter 'run_id'/,
      );
    });

    test('log-metric keeps NaN and Infinity; get-history pages with next_page_token', async () => {
      const { runId } = await experimentWithRun();
      await client.ok('POST', 'runs/log-metric', { run_id: runId, key: 'loss', value: 'NaN', timestamp: 10, step: 0 });
      await client.ok('POST', 'runs/log-metric', {
        run_id: runId,
        key: 'loss',
        value: 'Infinity',
        timestamp: 11,
        step: 1,
      });
      await client.ok('POST', 'runs/log-metric', { run_id: runId, key: 'loss', value: 0.5, timestamp: 12, step: 2 });
      assertMlflowError(
        await client.post('runs/log-metric', { run_id: runId, key: 'loss', value: 0.5 }),
        400,
        'INVALID_PARAMETER_VALUE',
        /'timestamp'/,
      );
      assertMlflowError(
        await client.post('runs/log-metric', { run_id: runId, key: 'loss', value: 'high', timestamp: 1 }),
        400,
        'INVALID_PARAMETER_VALUE',
        /'value'/,
      );
      const all = await client.ok('GET', 'metrics/get-history', { run_id: runId, metric_key: 'loss' });
      assert.deepEqual(all.metrics, [
        { key: 'loss', value: 'NaN', timestamp: 10, step: 0 },
        { key: 'loss', value: 'Infinity', timestamp: 11, step: 1 },
        { key: 'loss', value: 0.5, timestamp: 12, step: 2 },
      ]);
      const page = await client.ok('GET', 'metrics/get-history', { run_id: runId, metric_key: 'loss', max_results: 2 });
      assert.equal(page.metrics.length, 2);
      const rest = await client.ok('GET', 'metrics/get-history', {
        run_id: runId,
        metric_key: 'loss',
        max_results: 2,
        page_token: page.next_page_token,
      });
      assert.deepEqual(rest.metrics, [{ key: 'loss', value: 0.5, timestamp: 12, step: 2 }]);
    });

    test('set-tag, delete-tag (an unknown tag is RESOURCE_DOES_NOT_EXIST), log-inputs', async () => {
      const { runId } = await experimentWithRun();
      await client.ok('POST', 'runs/set-tag', { run_id: runId, key: 'stage', value: 'dev' });
      await client.ok('POST', 'runs/delete-tag', { run_id: runId, key: 'stage' });
      assertMlflowError(
        await client.post('runs/delete-tag', { run_id: runId, key: 'stage' }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      await client.ok('POST', 'runs/log-inputs', {
        run_id: runId,
        datasets: [
          {
            tags: [{ key: 'mlflow.data.context', value: 'training' }],
            dataset: { name: 'mnist', digest: 'd1g35t', source_type: 'local', source: '{"uri": "/data"}' },
          },
        ],
      });
      assertMlflowError(
        await client.post('runs/log-inputs', { run_id: runId, datasets: [{ dataset: { name: 'x' } }] }),
        400,
        'INVALID_PARAMETER_VALUE',
        /datasets\[0\]\.dataset\.digest/,
      );
      const { run } = await client.ok('GET', 'runs/get', { run_id: runId });
      assert.deepEqual(run.inputs.dataset_inputs, [
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: { name: 'mnist', digest: 'd1g35t', source_type: 'local', source: '{"uri": "/data"}' },
        },
      ]);
      assert.equal(
        run.data.tags.find((t: { key: string }) => t.key === 'stage'),
        undefined,
      );
    });

    test("search runs: GET too; a malformed filter is INVALID_PARAMETER_VALUE; another organization's experiment finds nothing", async () => {
      const { experimentId, runId } = await experimentWithRun();
      await client.ok('POST', 'runs/log-batch', {
        run_id: runId,
        metrics: [{ key: 'rmse', value: 0.3, timestamp: Date.now(), step: 0 }],
      });
      const byGet = await client.ok('GET', 'runs/search', {
        experiment_ids: [experimentId],
        filter: 'metrics.rmse < 1',
      });
      assert.deepEqual(
        byGet.runs.map((r: { info: { run_id: string } }) => r.info.run_id),
        [runId],
      );
      assertMlflowError(
        await client.post('runs/search', { experiment_ids: [experimentId], filter: 'metrics.rmse <' }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
      const stranger = mlflowClient(h, member(randomUUID()));
      assert.deepEqual(await stranger.ok('POST', 'runs/search', { experiment_ids: [experimentId] }), {});
    });
  });

  describe('log-batch limits', () => {
    test("more than 1,000 metrics, 100 params or 100 tags is INVALID_PARAMETER_VALUE with MLflow's message", async () => {
      const { runId } = await experimentWithRun();
      const metrics = (n: number) =>
        Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }));
      const keyValues = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
      await client.ok('POST', 'runs/log-batch', { run_id: runId, metrics: metrics(LOG_BATCH_LIMITS.metrics) });
      assertMlflowError(
        await client.post('runs/log-batch', { run_id: runId, metrics: metrics(1001) }),
        400,
        'INVALID_PARAMETER_VALUE',
        /at most 1000 metrics\. Got 1001 metrics/,
      );
      assertMlflowError(
        await client.post('runs/log-batch', { run_id: runId, params: keyValues(101) }),
        400,
        'INVALID_PARAMETER_VALUE',
        /at most 100 params/,
      );
      assertMlflowError(
        await client.post('runs/log-batch', { run_id: runId, tags: keyValues(101) }),
        400,
        'INVALID_PARAMETER_VALUE',
        /at most 100 tags/,
      );
      assertMlflowError(
        await client.post('runs/log-batch', { run_id: runId, metrics: [{ key: 'm', timestamp: 1 }] }),
        400,
        'INVALID_PARAMETER_VALUE',
        /Missing value for required parameter 'metrics\[0\]\.value'/,
      );
      assertMlflowError(
        await client.post('runs/log-batch', {
          run_id: runId,
          params: [
            { key: 'a', value: '1' },
            { key: 'a', value: '1' },
          ],
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        /Duplicate parameter keys/,
      );
      const history = await client.ok('GET', 'metrics/get-history', { run_id: runId, metric_key: 'm' });
      assert.equal(history.metrics.length, LOG_BATCH_LIMITS.metrics, 'refused batches logged nothing');
    });

    test('a body over 1 MB is refused on its raw size, whatever it holds', async () => {
      const { runId } = await experimentWithRun();
      const padded = JSON.stringify({ run_id: runId, tags: [{ key: 'note', value: 'x' }] }).replace(
        '{',
        `{${' '.repeat(LOG_BATCH_LIMITS.bytes)}`,
      );
      const answer = await h.rest('/2.0/mlflow/runs/log-batch', {
        method: 'POST',
        body: padded,
        headers: { 'content-type': 'application/json' },
        identity: ada,
      });
      assertMlflowError(answer, 400, 'INVALID_PARAMETER_VALUE', /must be at most 1048576 bytes, got a request of size/);
      const { run } = await client.ok('GET', 'runs/get', { run_id: runId });
      assert.equal(
        run.data.tags.find((t: { key: string }) => t.key === 'note'),
        undefined,
      );
    });
  });

  describe('who may call', () => {
    test("another organization's run and artifacts do not exist for it (RESOURCE_DOES_NOT_EXIST)", async () => {
      const { experimentId, runId } = await experimentWithRun();
      const root = `/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts`;
      await h.rest(`${root}/secret.txt`, { method: 'PUT', body: Buffer.from('org A only'), identity: ada });
      const orgB = member(randomUUID(), 'owner');
      const b = mlflowClient(h, orgB);
      assertMlflowError(await b.get('runs/get', { run_id: runId }), 404, 'RESOURCE_DOES_NOT_EXIST');
      assertMlflowError(
        await b.get('experiments/get', { experiment_id: experimentId }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      assertMlflowError(
        await b.post('runs/log-batch', { run_id: runId, params: [{ key: 'x', value: '1' }] }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      assertMlflowError(await b.post('runs/delete', { run_id: runId }), 404, 'RESOURCE_DOES_NOT_EXIST');
      assertMlflowError(await h.rest(`${root}/secret.txt`, { identity: orgB }), 404, 'RESOURCE_DOES_NOT_EXIST');
      assertMlflowError(
        await h.rest(`${root}/planted.txt`, { method: 'PUT', body: Buffer.from('x'), identity: orgB }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      assertMlflowError(await b.get('artifacts/list', { run_id: runId }), 404, 'RESOURCE_DOES_NOT_EXIST');
      const { run } = await client.ok('GET', 'runs/get', { run_id: runId });
      assert.equal(run.info.lifecycle_stage, 'active');
      assert.equal(run.data.params, undefined);
    });

    test('anonymous callers are UNAUTHENTICATED (401); a viewer reads but may not write (PERMISSION_DENIED, 403)', async () => {
      const anonymous = mlflowClient(h, anonymousIdentity);
      assertMlflowError(await anonymous.get('experiments/search'), 401, 'UNAUTHENTICATED');
      assertMlflowError(await anonymous.post('experiments/create', { name: 'x' }), 401, 'UNAUTHENTICATED');
      const viewer = mlflowClient(h, { ...member(ada.orgId!, 'viewer') });
      const { experimentId } = await experimentWithRun();
      await viewer.ok('GET', 'experiments/get', { experiment_id: experimentId });
      assertMlflowError(
        await viewer.post('experiments/create', { name: unique('viewer') }),
        403,
        'PERMISSION_DENIED',
        /experiments:write/,
      );
    });

    test('an unknown endpoint is ENDPOINT_NOT_FOUND (404); a known one with the wrong method answers 405', async () => {
      assertMlflowError(await client.post('runs/levitate', {}), 404, 'ENDPOINT_NOT_FOUND');
      const wrongMethod = await client.post('runs/get', { run_id: randomUUID() });
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get('allow'), 'GET');
      assert.equal(typeof wrongMethod.json.error_code, 'string');
    });
  });
});
