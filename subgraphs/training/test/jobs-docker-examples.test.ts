/**
 * The PyTorch examples as training jobs on the Docker backend, through the whole subgraph, as
 * `aitip jobs run -f examples/<example>/job.yaml` sends them: the example's code as a code archive,
 * the aitip/pytorch:1 image. iris-pytorch reads its dataset input, logs metrics every epoch and leaves
 * an ONNX model that classifies iris; ddp-pytorch runs two containers on a per-job network whose loss
 * falls. Needs Docker and the images (`npm run images`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { requireDocker } from './fixtures/executors/busybox-image.js';
import { downloadArtifact, irisAccuracy, metricValues, runToSuccess, uploadExampleCode } from './example-jobs.js';
import { logLines, member, repoRoot, startTraining, uploadDatasetVersion, type TrainingHarness } from './support.js';

const IMAGE = 'aitip/pytorch:1';

describe('the PyTorch examples as jobs on the Docker backend (PostgreSQL, Redis, RabbitMQ, S3, Docker)', () => {
  let h: TrainingHarness;
  const alice = member();
  before(async () => {
    const docker = new Dockerode();
    await requireDocker(docker);
    await docker
      .getImage(IMAGE)
      .inspect()
      .catch(() => assert.fail(`the image ${IMAGE} is missing: build it with \`npm run images\``));
    h = await startTraining('real');
  });
  after(async () => {
    await h?.close();
  });

  test('iris-pytorch in a container: metrics every epoch in its run, an ONNX model that classifies iris', async () => {
    const csv = readFileSync(join(repoRoot, 'examples/data/iris.csv'));
    await uploadDatasetVersion(h, alice, 'iris', [{ path: 'iris.csv', data: csv }]);
    const done = await runToSuccess(h, alice, {
      name: 'iris-pytorch',
      experiment: `iris-${randomUUID().slice(0, 8)}`,
      backend: 'docker',
      image: IMAGE,
      code: { archiveId: await uploadExampleCode(h, alice, 'iris-pytorch') },
      command: ['python3', 'train.py'],
      inputs: [{ name: 'iris', dataset: 'iris', version: 'latest' }],
      hyperparameters: [{ name: 'epochs', value: '60' }],
      resources: { cpu: 1, memoryMiB: 2048 },
      timeoutSeconds: 300,
    });
    const loss = await metricValues(h, alice, done.runId, 'loss');
    assert.equal(loss.length, 60);
    assert.ok(loss.at(-1)! < loss[0]!, `the loss did not fall: ${loss.join(', ')}`);
    assert.equal((await metricValues(h, alice, done.runId, 'val_accuracy')).length, 60);

    const artifacts = await h.mlflow(`/mlflow/artifacts/list?run_id=${done.runId}`, alice);
    const files = (artifacts.json.files as Array<{ path: string }>).map((f) => f.path).sort();
    assert.deepEqual(files, ['labels.json', 'model.onnx']);
    const model = await downloadArtifact(h, alice, done, 'model.onnx');
    const labels = JSON.parse((await downloadArtifact(h, alice, done, 'labels.json')).toString('utf8')) as string[];
    const accuracy = await irisAccuracy(model, labels, csv.toString('utf8'));
    assert.ok(accuracy >= 0.9, `the model classifies only ${accuracy} of iris right`);
  });

  test('ddp-pytorch: two containers rendezvous on their network, both ranks log and the loss falls', async () => {
    const done = await runToSuccess(h, alice, {
      name: 'ddp-pytorch',
      experiment: `ddp-${randomUUID().slice(0, 8)}`,
      backend: 'docker',
      image: IMAGE,
      code: { archiveId: await uploadExampleCode(h, alice, 'ddp-pytorch') },
      command: ['python3', 'train.py'],
      hyperparameters: [{ name: 'epochs', value: '12' }],
      workers: 2,
      resources: { cpu: 1, memoryMiB: 2048 },
      timeoutSeconds: 300,
    });
    const loss = await metricValues(h, alice, done.runId, 'loss');
    assert.equal(loss.length, 12);
    assert.ok(loss.at(-1)! < loss[0]! / 2, `the loss did not fall: ${loss.join(', ')}`);

    const lines = await logLines<{ number: number; rank: number; text: string }>(
      h,
      { id: done.id },
      alice,
      done.attempts[0].logLines,
      'number rank text',
    );
    const output = lines.map((l) => `[${l.rank}] ${l.text}`).join('\n');
    for (const rank of [0, 1]) {
      assert.ok(
        lines.some((l) => l.rank === rank && l.text.startsWith(`rank ${rank} of 2:`)),
        `rank ${rank} did not join:\n${output}`,
      );
      assert.ok(
        lines.some((l) => l.rank === rank && l.text === `rank ${rank} done`),
        `rank ${rank} did not finish:\n${output}`,
      );
    }
    const artifacts = await h.mlflow(`/mlflow/artifacts/list?run_id=${done.runId}`, alice);
    const files = (artifacts.json.files as Array<{ path: string }>).map((f) => f.path).sort();
    assert.deepEqual(files, ['metrics.json', 'model.onnx']);
    const summary = JSON.parse((await downloadArtifact(h, alice, done, 'metrics.json')).toString('utf8')) as {
      world_size: number;
    };
    assert.equal(summary.world_size, 2);
  });
});
