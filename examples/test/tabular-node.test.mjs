// examples/tabular-node: trains with Node alone and writes an ONNX model onnxruntime-node can run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertSucceeded, examplesDir, irisAccuracy, jobDirs, metricLines, run } from './helpers.mjs';

const script = join(examplesDir, 'tabular-node/train.mjs');

describe('examples/tabular-node', () => {
  let dirs;
  let result;
  before(async () => {
    dirs = jobDirs();
    result = await run(process.execPath, [script, '--epochs=80', '--lr=0.5', '--unused=1'], {
      cwd: join(examplesDir, 'tabular-node'),
      env: { AITIP_DATA_DIR: dirs.dataDir, AITIP_OUTPUT_DIR: dirs.outputDir },
    });
  });
  after(() => dirs.remove());

  test('prints one metric line per epoch and the loss falls', () => {
    assertSucceeded(result, 'train.mjs');
    const events = metricLines(result.stdout);
    assert.deepEqual(
      events.map((e) => e.step),
      Array.from({ length: 80 }, (_, i) => i + 1),
    );
    assert.deepEqual(Object.keys(events[0].metrics).sort(), ['accuracy', 'loss']);
    const losses = events.map((e) => e.metrics.loss);
    assert.ok(losses.at(-1) < losses[0] / 3, `loss ${losses[0]} -> ${losses.at(-1)}`);
    assert.match(result.stdout, /ignoring hyperparameter --unused=1/);
  });

  test('writes an ONNX model that classifies iris', async () => {
    const labels = JSON.parse(readFileSync(join(dirs.outputDir, 'labels.json'), 'utf8'));
    assert.deepEqual(labels, ['setosa', 'versicolor', 'virginica']);
    const accuracy = await irisAccuracy(join(dirs.outputDir, 'model.onnx'), labels);
    assert.ok(accuracy >= 0.9, `accuracy ${accuracy}`);
  });

  test('takes hyperparameters from AITIP_HP_* and --data from the command line', async () => {
    const other = jobDirs();
    try {
      const res = await run(process.execPath, [script, '--data', join(dirs.dataDir, 'iris/iris.csv')], {
        env: { AITIP_HP_EPOCHS: '5', AITIP_OUTPUT_DIR: other.outputDir, AITIP_DATA_DIR: '' },
      });
      assertSucceeded(res, 'train.mjs --data');
      assert.equal(metricLines(res.stdout).length, 5);
    } finally {
      other.remove();
    }
  });

  test('says what to do when the dataset input is missing or a hyperparameter is bad', async () => {
    const empty = jobDirs();
    try {
      const noData = await run(process.execPath, [script], {
        env: { AITIP_DATA_DIR: join(empty.root, 'nothing'), AITIP_OUTPUT_DIR: empty.outputDir },
      });
      assert.equal(noData.code, 2);
      assert.match(noData.stderr, /add a dataset input named "iris"/);
      const badRate = await run(process.execPath, [script, '--lr=fast'], {
        env: { AITIP_DATA_DIR: empty.dataDir, AITIP_OUTPUT_DIR: empty.outputDir },
      });
      assert.equal(badRate.code, 2);
      assert.match(badRate.stderr, /lr must be a positive number, got "fast"/);
    } finally {
      empty.remove();
    }
  });
});
