// examples/iris-pytorch: trains with Debian's PyTorch as a plain process and inside aitip/pytorch:1
// with the sandbox the Docker backend uses, and exports ONNX that onnxruntime-node can run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertSucceeded, examplesDir, irisAccuracy, jobDirs, metricLines, pythonWithTorch, run } from './helpers.mjs';

const exampleDir = join(examplesDir, 'iris-pytorch');
const image = 'aitip/pytorch:1';

function assertTrainedWell(result, outputDir, epochs) {
  assertSucceeded(result, 'train.py');
  const events = metricLines(result.stdout);
  assert.equal(events.length, epochs);
  assert.deepEqual(Object.keys(events[0].metrics).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  assert.ok(events.at(-1).metrics.loss < events[0].metrics.loss, 'the loss falls');
  assert.ok(events.at(-1).metrics.val_accuracy >= 0.85, `val_accuracy ${events.at(-1).metrics.val_accuracy}`);
  assert.ok(existsSync(join(outputDir, 'model.onnx')), 'model.onnx written');
  return JSON.parse(readFileSync(join(outputDir, 'labels.json'), 'utf8'));
}

describe('examples/iris-pytorch', () => {
  test('trains as a local process and exports ONNX that classifies iris', async () => {
    const dirs = jobDirs();
    try {
      const result = await run(pythonWithTorch(), ['train.py', '--epochs=30', '--lr=0.05'], {
        cwd: exampleDir,
        env: { AITIP_DATA_DIR: dirs.dataDir, AITIP_OUTPUT_DIR: dirs.outputDir, AITIP_HP_BATCH_SIZE: '16' },
      });
      const labels = assertTrainedWell(result, dirs.outputDir, 30);
      assert.deepEqual(labels, ['setosa', 'versicolor', 'virginica']);
      const accuracy = await irisAccuracy(join(dirs.outputDir, 'model.onnx'), labels);
      assert.ok(accuracy >= 0.9, `accuracy ${accuracy}`);
    } finally {
      dirs.remove();
    }
  });

  test(`trains in ${image} with no network, a read-only root and uid 1000`, async () => {
    const docker = spawnSync('docker', ['image', 'inspect', image], { encoding: 'utf8' });
    assert.equal(
      docker.status,
      0,
      `Docker and the image ${image} are needed: run \`npm run images\` (it starts dockerd and builds the images). ` +
        `docker said: ${docker.error?.message ?? docker.stderr.trim()}`,
    );
    const dirs = jobDirs();
    const container = `aitip-example-test-${process.pid}`;
    try {
      // A copy, so the output mount point and anything the job writes stay out of the repository.
      cpSync(exampleDir, join(dirs.root, 'code'), { recursive: true });
      const result = await run('docker', [
        'run',
        '--rm',
        '--name',
        container,
        '--label',
        'aitip.dev/test=examples',
        '--network',
        'none',
        '--read-only',
        '--tmpfs',
        '/tmp',
        '--user',
        '1000:1000',
        '--cap-drop',
        'ALL',
        '--security-opt',
        'no-new-privileges',
        '--pids-limit',
        '256',
        '--memory',
        '1g',
        '-v',
        `${join(dirs.root, 'code')}:/workspace`,
        '-v',
        `${join(dirs.dataDir, 'iris')}:/data/iris:ro`,
        '-v',
        `${dirs.outputDir}:/workspace/output`,
        '-e',
        'AITIP_DATA_DIR=/data',
        '-e',
        'AITIP_OUTPUT_DIR=/workspace/output',
        image,
        'python3',
        'train.py',
        '--epochs=20',
      ]);
      const labels = assertTrainedWell(result, dirs.outputDir, 20);
      const accuracy = await irisAccuracy(join(dirs.outputDir, 'model.onnx'), labels);
      assert.ok(accuracy >= 0.9, `accuracy ${accuracy}`);
    } finally {
      spawnSync('docker', ['rm', '--force', container], { stdio: 'ignore' });
      dirs.remove();
    }
  });
});
