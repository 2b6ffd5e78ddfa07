import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { IDENTITY_HEADER, type Identity } from '@aitip/kit';
import { member, startExperiments, type ExperimentsHarness, type Mode } from './support.js';
import { assertMlflowError, mlflowClient, type MlflowTestClient } from './mlflow-client.js';

/**
 * What MLflow's Python client sends, in its order, for a script such as
 *   mlflow.set_experiment("mnist"); with mlflow.start_run(): log_params, log_metrics per epoch,
 *   set_tag, log_artifact — through the MLflow REST routes of the real subgraph.
 */
for (const mode of ['real', 'embedded'] as Mode[]) {
  describe(`MLflow client sequence over REST (${mode === 'real' ? 'PostgreSQL, Redis, S3 server' : 'embedded'})`, () => {
    let h: ExperimentsHarness;
    let ada: Identity;
    let client: MlflowTestClient;

    before(async () => {
      h = await startExperiments(mode);
      ada = member(randomUUID());
      client = mlflowClient(h, ada);
    });
    after(async () => h?.close());

    test('set_experiment, start_run, log-batch, log-parameter, set-tag, update, search round-trip', async () => {
      const name = `mnist-${randomUUID().slice(0, 8)}`;
      // mlflow.set_experiment: get-by-name, and create on RESOURCE_DOES_NOT_EXIST
      assertMlflowError(
        await client.get('experiments/get-by-name', { experiment_name: name }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      const { experiment_id: experimentId } = await client.ok('POST', 'experiments/create', { name });
      assert.equal(typeof experimentId, 'string');
      const { experiment } = await client.ok('GET', 'experiments/get-by-name', { experiment_name: name });
      assert.equal(experiment.experiment_id, experimentId);
      assert.equal(experiment.lifecycle_stage, 'active');

      // mlflow.start_run
      const startTime = Date.now();
      const created = await client.ok('POST', 'runs/create', {
        experiment_id: experimentId,
        user_id: 'ada',
        start_time: startTime,
        run_name: 'first-try',
        tags: [
          { key: 'mlflow.user', value: 'ada' },
          { key: 'mlflow.source.name', value: 'train.py' },
          { key: 'mlflow.source.type', value: 'LOCAL' },
        ],
      });
      const runId: string = created.run.info.run_id;
      assert.equal(created.run.info.run_uuid, runId);
      assert.equal(created.run.info.experiment_id, experimentId);
      assert.equal(created.run.info.status, 'RUNNING');
      assert.equal(created.run.info.run_name, 'first-try');
      assert.equal(created.run.info.start_time, startTime);
      assert.equal(created.run.info.lifecycle_stage, 'active');
      assert.equal(created.run.info.artifact_uri, `mlflow-artifacts:/${experimentId}/${runId}/artifacts`);

      // mlflow.log_params + log_metrics per epoch (log-batch), log_param, set_tag
      const epochs = 5;
      for (let epoch = 0; epoch < epochs; epoch++) {
        await client.ok('POST', 'runs/log-batch', {
          run_id: runId,
          metrics: [
            { key: 'loss', value: 1 / (epoch + 1), timestamp: startTime + epoch, step: epoch },
            { key: 'accuracy', value: 0.5 + epoch / 10, timestamp: startTime + epoch, step: epoch },
          ],
          params: epoch === 0 ? [{ key: 'lr', value: '0.01' }] : [],
          tags: [],
        });
      }
      await client.ok('POST', 'runs/log-parameter', { run_id: runId, run_uuid: runId, key: 'epochs', value: '5' });
      await client.ok('POST', 'runs/set-tag', { run_id: runId, run_uuid: runId, key: 'team', value: 'vision' });

      // mlflow.end_run
      const endTime = Date.now();
      const updated = await client.ok('POST', 'runs/update', {
        run_id: runId,
        run_uuid: runId,
        status: 'FINISHED',
        end_time: endTime,
      });
      assert.equal(updated.run_info.status, 'FINISHED');
      assert.equal(updated.run_info.end_time, endTime);

      // what the client reads back
      const { run } = await client.ok('GET', 'runs/get', { run_id: runId, run_uuid: runId });
      assert.equal(run.info.status, 'FINISHED');
      const params = Object.fromEntries(run.data.params.map((p: { key: string; value: string }) => [p.key, p.value]));
      assert.deepEqual(params, { lr: '0.01', epochs: '5' });
      const tags = Object.fromEntries(run.data.tags.map((t: { key: string; value: string }) => [t.key, t.value]));
      assert.equal(tags['team'], 'vision');
      assert.equal(tags['mlflow.user'], 'ada');
      assert.equal(tags['mlflow.runName'], 'first-try');
      const loss = run.data.metrics.find((m: { key: string }) => m.key === 'loss');
      assert.deepEqual(loss, { key: 'loss', value: 1 / epochs, timestamp: startTime + epochs - 1, step: epochs - 1 });

      const history = await client.ok('GET', 'metrics/get-history', { run_id: runId, metric_key: 'accuracy' });
      assert.deepEqual(
        history.metrics.map((m: { step: number; value: number }) => [m.step, m.value]),
        [0, 1, 2, 3, 4].map((e) => [e, 0.5 + e / 10]),
      );

      const found = await client.ok('POST', 'runs/search', {
        experiment_ids: [experimentId],
        filter: "metrics.loss < 0.5 and params.lr = '0.01' and tags.team = 'vision' and attributes.status = 'FINISHED'",
        run_view_type: 'ACTIVE_ONLY',
        max_results: 10,
        order_by: ['metrics.loss ASC'],
      });
      assert.deepEqual(
        found.runs.map((r: { info: { run_id: string } }) => r.info.run_id),
        [runId],
      );
      const none = await client.ok('POST', 'runs/search', {
        experiment_ids: [experimentId],
        filter: 'metrics.loss > 5',
      });
      assert.deepEqual(none, {}, 'an empty page is an empty message, as MLflow writes it');
    });

    test("params are write-once: the same value again is accepted, another is MLflow's INVALID_PARAMETER_VALUE", async () => {
      const { experiment_id: experimentId } = await client.ok('POST', 'experiments/create', {
        name: `p-${randomUUID()}`,
      });
      const { run } = await client.ok('POST', 'runs/create', { experiment_id: experimentId });
      const runId = run.info.run_id;
      await client.ok('POST', 'runs/log-parameter', { run_id: runId, key: 'batch_size', value: '32' });
      await client.ok('POST', 'runs/log-parameter', { run_id: runId, key: 'batch_size', value: '32' });
      assertMlflowError(
        await client.post('runs/log-parameter', { run_id: runId, key: 'batch_size', value: '64' }),
        400,
        'INVALID_PARAMETER_VALUE',
        /batch_size/,
      );
      assertMlflowError(
        await client.post('runs/log-batch', { run_id: runId, params: [{ key: 'batch_size', value: '128' }] }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
      const stored = await client.ok('GET', 'runs/get', { run_id: runId });
      assert.deepEqual(stored.run.data.params, [{ key: 'batch_size', value: '32' }]);
    });

    test('a run started without an experiment goes to experiment 0, the organization\'s "Default"', async () => {
      const { run } = await client.ok('POST', 'runs/create', { experiment_id: '0', start_time: Date.now() });
      const { experiment } = await client.ok('GET', 'experiments/get', { experiment_id: '0' });
      assert.equal(experiment.name, 'Default');
      assert.equal(run.info.experiment_id, experiment.experiment_id);
      const found = await client.ok('POST', 'runs/search', { experiment_ids: ['0'] });
      assert.ok(found.runs.some((r: { info: { run_id: string } }) => r.info.run_id === run.info.run_id));
    });

    test('log_artifact: PUT through the artifact proxy, list it, download it, and list a directory by GET', async () => {
      const { experiment_id: experimentId } = await client.ok('POST', 'experiments/create', {
        name: `a-${randomUUID()}`,
      });
      const { run } = await client.ok('POST', 'runs/create', { experiment_id: experimentId });
      const runId: string = run.info.run_id;
      const root = `/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts`;
      const weights = randomBytes(200_000);
      const put = await h.rest(`${root}/model/weights.bin`, { method: 'PUT', body: weights, identity: ada });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual(put.json, {});
      const note = Buffer.from('loss went down\n');
      assert.equal((await h.rest(`${root}/notes%20v1.txt`, { method: 'PUT', body: note, identity: ada })).status, 200);

      const listedRoot = await h.rest(`/2.0/mlflow-artifacts/artifacts?path=${experimentId}/${runId}/artifacts`, {
        identity: ada,
      });
      assert.equal(listedRoot.status, 200, listedRoot.text);
      assert.deepEqual(listedRoot.json, {
        files: [
          { path: 'model', is_dir: true },
          { path: 'notes v1.txt', is_dir: false, file_size: note.length },
        ],
      });
      const listedDir = await h.rest(
        `/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(`${experimentId}/${runId}/artifacts/model`)}`,
        { identity: ada },
      );
      assert.deepEqual(listedDir.json, { files: [{ path: 'weights.bin', is_dir: false, file_size: weights.length }] });

      const byRun = await client.ok('GET', 'artifacts/list', { run_id: runId, path: 'model' });
      assert.deepEqual(byRun, {
        root_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
        files: [{ path: 'model/weights.bin', is_dir: false, file_size: weights.length }],
      });

      const download = await fetchBytes(h, `${root}/model/weights.bin`, ada);
      assert.equal(download.status, 200);
      assert.ok(download.body.equals(weights), 'the downloaded bytes are the uploaded ones');
      assert.match(download.headers.get('content-disposition') ?? '', /attachment; filename="weights\.bin"/);
      const text = await fetchBytes(h, `${root}/notes%20v1.txt`, ada);
      assert.equal(text.headers.get('content-type'), 'text/plain');
      assert.equal(text.body.toString(), note.toString());

      const directory = await h.rest(`${root}/model`, { identity: ada });
      assert.deepEqual(directory.json, { files: [{ path: 'weights.bin', is_dir: false, file_size: weights.length }] });
      assertMlflowError(await h.rest(`${root}/missing.bin`, { identity: ada }), 404, 'RESOURCE_DOES_NOT_EXIST');
      assertMlflowError(
        await h.rest(`${root}/..%2F..%2F..%2Fother-run.bin`, { method: 'PUT', body: note, identity: ada }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
    });
  });
}

async function fetchBytes(h: ExperimentsHarness, path: string, identity: Identity) {
  const base = h.subgraph.url.replace(/\/graphql$/, '');
  const response = await fetch(`${base}/rest${path}`, { headers: { [IDENTITY_HEADER]: h.sign(identity) } });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}
