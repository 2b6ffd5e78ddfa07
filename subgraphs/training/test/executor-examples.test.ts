/**
 * The examples run through the executors as the platform runs them: the 2-worker DDP example on
 * the local and Docker backends (rendezvous variables, a per-job network), and iris-pytorch in the
 * aitip/pytorch:1 image with its dataset mounted read-only, its ONNX output checked with
 * onnxruntime-node. Needs Docker and the images (`npm run images`).
 */
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { irisAccuracy } from './example-jobs.js';
import { createLocalExecutor } from '../src/executors/local.js';
import { createDockerExecutor } from '../src/executors/docker.js';
import type { ExecutionLine, Executor } from '../src/executors/executor.js';
import {
  makeAttemptDirs,
  makeSpec,
  removeAttemptDirs,
  runToEnd,
  type AttemptDirs,
} from './fixtures/executors/attempt.js';

const examples = join(__dirname, '../../../../examples');

/** The `@aitip` metric lines of rank 0, parsed, in order. */
function metricLines(lines: ExecutionLine[]): Array<{ metrics: Record<string, number>; step: number }> {
  return lines
    .filter((l) => l.rank === 0 && l.stream === 'stdout' && l.text.startsWith('@aitip '))
    .map((l) => JSON.parse(l.text.slice('@aitip '.length)) as { metrics: Record<string, number>; step: number });
}

/** A copy of an example as the attempt's code directory (the Docker backend makes it the job user's). */
async function exampleCode(dirs: AttemptDirs, example: string): Promise<void> {
  await cp(join(examples, example), dirs.codeDir, { recursive: true });
}

/** Fresh attempt directories for each test, removed after it. */
let dirs: AttemptDirs;
beforeEach(async () => {
  dirs = await makeAttemptDirs();
});
afterEach(async () => {
  await removeAttemptDirs(dirs);
});

async function ddpConverges(executor: Executor, image?: string): Promise<void> {
  await exampleCode(dirs, 'ddp-pytorch');
  const spec = makeSpec(dirs, {
    image,
    command: ['python3', 'train.py', '--epochs=12'],
    workers: 2,
    resources: { cpu: 1, memoryMiB: 2048 },
    timeoutSeconds: 300,
  });
  await executor.check(spec);
  const { result, lines } = await runToEnd(executor, spec);
  const output = lines.map((l) => `[${l.rank} ${l.stream}] ${l.text}`).join('\n');
  assert.equal(result.outcome, 'succeeded', `${result.message}\n${output}`);
  // both ranks ran in one process group of world size 2
  for (const rank of [0, 1]) {
    assert.ok(
      lines.some((l) => l.rank === rank && /rank \d done/.test(l.text)),
      `rank ${rank} did not finish:\n${output}`,
    );
  }
  const losses = metricLines(lines).map((m) => m.metrics['loss']!);
  assert.equal(losses.length, 12);
  assert.ok(losses.at(-1)! < losses[0]! / 2, `the loss did not fall: ${losses.join(', ')}`);
  const summary = JSON.parse(await readFile(join(dirs.outputDir, 'metrics.json'), 'utf8')) as { world_size: number };
  assert.equal(summary.world_size, 2);
}

describe('examples through the executors', () => {
  test('ddp-pytorch: 2 workers on the local backend converge', async () => {
    await ddpConverges(createLocalExecutor());
  });

  test('ddp-pytorch: 2 containers on a per-job network converge', async () => {
    await ddpConverges(createDockerExecutor(), 'aitip/pytorch:1');
  });

  test('iris-pytorch in aitip/pytorch:1 with the dataset read-only: an ONNX model that classifies iris', async () => {
    await exampleCode(dirs, 'iris-pytorch');
    const data = join(dirs.root, 'iris-data');
    await mkdir(data);
    const csv = await readFile(join(examples, 'data/iris.csv'), 'utf8');
    await writeFile(join(data, 'iris.csv'), csv);
    const executor = createDockerExecutor();
    const spec = makeSpec(dirs, {
      image: 'aitip/pytorch:1',
      command: ['python3', 'train.py', '--epochs=60'],
      inputs: [{ name: 'iris', hostPath: data }],
      resources: { cpu: 1, memoryMiB: 2048 },
      timeoutSeconds: 300,
    });
    await executor.check(spec);
    const { result, lines } = await runToEnd(executor, spec);
    assert.equal(result.outcome, 'succeeded', `${result.message}\n${lines.map((l) => l.text).join('\n')}`);
    const metrics = metricLines(lines);
    assert.equal(metrics.length, 60);
    assert.ok(metrics.at(-1)!.metrics['loss']! < metrics[0]!.metrics['loss']!);

    const labels = JSON.parse(await readFile(join(dirs.outputDir, 'labels.json'), 'utf8')) as
      string[] | { labels: string[] };
    const accuracy = await irisAccuracy(
      await readFile(join(dirs.outputDir, 'model.onnx')),
      Array.isArray(labels) ? labels : labels.labels,
      csv,
    );
    assert.ok(accuracy >= 0.9, `only ${accuracy} of the rows classified right`);
  });
});
