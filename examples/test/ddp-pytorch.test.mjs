// examples/ddp-pytorch: two worker processes rendezvous over gloo the way torchrun's variables tell
// them to, train one model with DistributedDataParallel, and the loss falls.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertSucceeded, examplesDir, freePort, jobDirs, metricLines, pythonWithTorch, run } from './helpers.mjs';

test('examples/ddp-pytorch: 2 workers converge', async () => {
  const python = pythonWithTorch();
  const dirs = jobDirs();
  try {
    const port = await freePort();
    const worker = (rank) =>
      run(python, ['train.py', '--epochs=8'], {
        cwd: join(examplesDir, 'ddp-pytorch'),
        env: {
          MASTER_ADDR: '127.0.0.1',
          MASTER_PORT: String(port),
          WORLD_SIZE: '2',
          RANK: String(rank),
          LOCAL_RANK: String(rank),
          LOCAL_WORLD_SIZE: '2',
          AITIP_OUTPUT_DIR: dirs.outputDir,
        },
      });
    const [rank0, rank1] = await Promise.all([worker(0), worker(1)]);
    assertSucceeded(rank0, 'rank 0');
    assertSucceeded(rank1, 'rank 1');
    assert.match(rank0.stdout, /^rank 0 of 2: 1024 of 2048 samples/m);
    assert.match(rank1.stdout, /^rank 1 of 2: 1024 of 2048 samples/m);
    assert.equal(metricLines(rank1.stdout).length, 0, 'only rank 0 logs metrics');

    const losses = metricLines(rank0.stdout).map((e) => e.metrics.loss);
    assert.equal(losses.length, 8);
    assert.ok(losses.at(-1) < losses[0] / 2, `loss ${losses[0]} -> ${losses.at(-1)}`);
    const summary = JSON.parse(readFileSync(join(dirs.outputDir, 'metrics.json'), 'utf8'));
    assert.equal(summary.world_size, 2);
    assert.equal(summary.first_loss, losses[0]);
    assert.equal(summary.last_loss, losses.at(-1));
    assert.ok(readFileSync(join(dirs.outputDir, 'model.onnx')).length > 0);
  } finally {
    dirs.remove();
  }
});

test('examples/ddp-pytorch: says which rendezvous variables are missing', async () => {
  const result = await run(pythonWithTorch(), ['train.py'], {
    cwd: join(examplesDir, 'ddp-pytorch'),
    env: { MASTER_ADDR: '', MASTER_PORT: '', WORLD_SIZE: '', RANK: '' },
  });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK not set/);
});
