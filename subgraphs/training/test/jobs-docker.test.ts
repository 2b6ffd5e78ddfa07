import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { ensureTestImage, requireDocker, TEST_IMAGE } from './fixtures/executors/busybox-image.js';
import {
  job,
  member,
  repoRoot,
  startTraining,
  statusesUntilEnd,
  submit,
  uploadDatasetVersion,
  type TrainingHarness,
} from './support.js';

describe('training jobs on the Docker backend (PostgreSQL, Redis, RabbitMQ, S3)', () => {
  let h: TrainingHarness;
  const docker = new Dockerode();
  before(async () => {
    await requireDocker(docker);
    await ensureTestImage(docker);
    h = await startTraining('real');
  });
  after(async () => {
    await h?.close();
  });

  test('a container job reads its dataset input, logs metrics and leaves its outputs as artifacts', async () => {
    const alice = member();
    const iris = readFileSync(join(repoRoot, 'examples/data/iris.csv'));
    await uploadDatasetVersion(h, alice, 'iris', [{ path: 'iris.csv', data: iris }]);
    const script = [
      'rows=$(wc -l < /data/iris/iris.csv)',
      'echo "rows $rows"',
      'echo "@aitip {\\"metrics\\": {\\"rows\\": $rows}, \\"step\\": 1}"',
      'echo "$AITIP_HP_EPOCHS epochs" > "$AITIP_OUTPUT_DIR/summary.txt"',
    ].join('; ');
    const submitted = await submit(h, alice, {
      name: 'container',
      backend: 'docker',
      image: TEST_IMAGE,
      command: ['sh', '-c', script],
      inputs: [{ name: 'iris', dataset: 'iris' }],
      hyperparameters: [{ name: 'epochs', value: '3' }],
    });
    assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
    const id = submitted.data!['submitTrainingJob'].id;
    const statuses = await statusesUntilEnd(h, alice, id);
    const done = await job(h, alice, id);
    assert.equal(statuses.at(-1), 'SUCCEEDED', `${done.message}`);

    const lines = iris.toString('utf8').trimEnd().split('\n').length;
    const history = await h.mlflow(`/mlflow/metrics/get-history?run_id=${done.runId}&metric_key=rows`, alice);
    assert.deepEqual(
      history.json.metrics.map((m: { value: number }) => m.value),
      [lines],
    );
    const artifacts = await h.mlflow(`/mlflow/artifacts/list?run_id=${done.runId}`, alice);
    assert.deepEqual(
      artifacts.json.files.map((f: { path: string }) => f.path),
      ['summary.txt'],
    );
  });

  test('a container over its memory limit fails as OOMKilled with a hint, and is not retried', async () => {
    const alice = member();
    const submitted = await submit(h, alice, {
      name: 'greedy',
      backend: 'docker',
      image: TEST_IMAGE,
      // tail keeps the one endless line in memory
      command: ['sh', '-c', 'head -c 100m /dev/zero | tail'],
      resources: { memoryMiB: 16 },
      maxRetries: 1,
    });
    assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
    const id = submitted.data!['submitTrainingJob'].id;
    assert.equal((await statusesUntilEnd(h, alice, id)).at(-1), 'FAILED');
    const failed = await job(h, alice, id);
    assert.equal(failed.message, 'OOMKilled');
    assert.match(failed.hint, /raise resources\.memoryMiB above 16/);
    assert.deepEqual(
      failed.attempts.map((a: { outcome: string }) => a.outcome),
      ['oom'],
    );
  });

  test('an image that does not exist is refused at submission', async () => {
    const answer = await submit(h, member(), {
      name: 'no-image',
      backend: 'docker',
      image: 'aitip-test/does-not-exist:1',
      command: ['true'],
    });
    assert.match(answer.errors?.[0]?.message ?? '', /aitip-test\/does-not-exist:1/);
  });
});
