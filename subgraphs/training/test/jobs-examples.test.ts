/**
 * The PyTorch examples as training jobs on the local backend, through the whole subgraph: iris-pytorch
 * with its dataset input (metrics in the run, the ONNX model among its artifacts) and ddp-pytorch with
 * two workers (the loss, averaged over both, falls). Needs Debian's python3-torch (test:services).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricValues, runToSuccess } from './example-jobs.js';
import { member, repoRoot, startTraining, uploadDatasetVersion, type TrainingHarness } from './support.js';

describe('the PyTorch examples as jobs on the local backend (PostgreSQL, Redis, RabbitMQ, S3)', () => {
  let h: TrainingHarness;
  const alice = member();
  before(async () => {
    h = await startTraining('real');
  });
  after(async () => {
    await h?.close();
  });

  test('iris-pytorch: metrics every epoch in its run, model.onnx among its artifacts', async () => {
    const iris = readFileSync(join(repoRoot, 'examples/data/iris.csv'));
    assert.equal(await uploadDatasetVersion(h, alice, 'iris', [{ path: 'iris.csv', data: iris }]), 1);
    const done = await runToSuccess(h, alice, {
      name: 'iris-pytorch',
      experiment: `iris-${randomUUID().slice(0, 8)}`,
      backend: 'local',
      runtime: 'python3',
      code: { path: join(repoRoot, 'examples/iris-pytorch') },
      command: ['python3', 'train.py'],
      inputs: [{ name: 'iris', dataset: 'iris', version: 'latest' }],
      hyperparameters: [{ name: 'epochs', value: '40' }],
      timeoutSeconds: 300,
    });
    const loss = await metricValues(h, alice, done.runId, 'loss');
    assert.equal(loss.length, 40);
    assert.ok(loss.at(-1)! < loss[0]!, `the loss did not fall: ${loss.join(', ')}`);
    const artifacts = await h.mlflow(`/mlflow/artifacts/list?run_id=${done.runId}`, alice);
    const files = (artifacts.json.files as Array<{ path: string }>).map((f) => f.path);
    assert.ok(files.includes('model.onnx'), `artifacts: ${files.join(', ')}`);
  });

  test('ddp-pytorch: two workers rendezvous and the loss falls', async () => {
    const done = await runToSuccess(h, alice, {
      name: 'ddp-pytorch',
      experiment: `ddp-${randomUUID().slice(0, 8)}`,
      backend: 'local',
      runtime: 'python3',
      code: { path: join(repoRoot, 'examples/ddp-pytorch') },
      command: ['python3', 'train.py'],
      hyperparameters: [{ name: 'epochs', value: '12' }],
      workers: 2,
      timeoutSeconds: 300,
    });
    const loss = await metricValues(h, alice, done.runId, 'loss');
    assert.equal(loss.length, 12);
    assert.ok(loss.at(-1)! < loss[0]! / 2, `the loss did not fall: ${loss.join(', ')}`);
  });
});
