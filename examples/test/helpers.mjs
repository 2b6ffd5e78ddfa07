// What the example tests share: running a training script as a real process the way the platform
// does (env, data and output directories), reading its `@aitip` lines, and checking an exported
// ONNX model with onnxruntime-node against the iris sample data.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';

/** The examples folder. */
export const examplesDir = new URL('..', import.meta.url).pathname;

/**
 * A fresh job layout in a temp dir: `data/iris/iris.csv` (the sample data), an empty `output/`,
 * readable and writable by any user so a container running as uid 1000 can use them.
 */
export function jobDirs() {
  const root = mkdtempSync(join(tmpdir(), 'aitip-example-'));
  const dataDir = join(root, 'data');
  const outputDir = join(root, 'output');
  mkdirSync(join(dataDir, 'iris'), { recursive: true });
  mkdirSync(outputDir);
  copyFileSync(join(examplesDir, 'data/iris.csv'), join(dataDir, 'iris/iris.csv'));
  for (const dir of [root, dataDir, join(dataDir, 'iris')]) chmodSync(dir, 0o755);
  chmodSync(outputDir, 0o777);
  return { root, dataDir, outputDir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Runs a command to its end; resolves with its exit code, signal and output (never rejects on a failure). */
export function run(command, args, { cwd, env = {}, timeoutMs = 90_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Asserts a process exited 0, showing its output when it did not. */
export function assertSucceeded(result, what) {
  assert.equal(
    result.code,
    0,
    `${what} exited with ${result.code ?? result.signal}:\n${result.stdout}\n${result.stderr}`,
  );
}

/** The `@aitip {...}` lines of an output, parsed; each must be one JSON object with numeric metrics. */
export function metricLines(stdout) {
  const lines = stdout.split('\n').filter((line) => line.startsWith('@aitip '));
  return lines.map((line) => {
    const event = JSON.parse(line.slice('@aitip '.length));
    assert.equal(typeof event, 'object', `not a JSON object: ${line}`);
    assert.ok(Number.isInteger(event.step), `step must be an integer: ${line}`);
    for (const [name, value] of Object.entries(event.metrics)) {
      assert.ok(Number.isFinite(value), `metric ${name} is not a number: ${line}`);
    }
    return event;
  });
}

/** The iris sample rows as float features and species names. */
export function irisRows() {
  const [, ...lines] = readFileSync(join(examplesDir, 'data/iris.csv'), 'utf8').trim().split('\n');
  return lines.map((line) => {
    const cells = line.split(',');
    return { features: cells.slice(0, 4).map(Number), species: cells[4].trim() };
  });
}

/**
 * Loads an ONNX classifier with onnxruntime-node, runs all iris rows through `float_input` in one
 * batch, checks each row's probabilities sum to 1, and returns the share classified right.
 */
export async function irisAccuracy(modelPath, labels) {
  const session = await ort.InferenceSession.create(modelPath);
  assert.deepEqual(session.inputNames, ['float_input']);
  const rows = irisRows();
  const input = new ort.Tensor('float32', Float32Array.from(rows.flatMap((r) => r.features)), [rows.length, 4]);
  const result = await session.run({ float_input: input });
  const probabilities = result[session.outputNames[0]];
  assert.deepEqual(probabilities.dims, [rows.length, labels.length]);
  let correct = 0;
  rows.forEach((row, i) => {
    const p = Array.from(probabilities.data.slice(i * labels.length, (i + 1) * labels.length));
    const sum = p.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4, `row ${i} probabilities sum to ${sum}`);
    if (labels[p.indexOf(Math.max(...p))] === row.species) correct++;
  });
  return correct / rows.length;
}

let torchPython;
/** A python3 that can import torch (Debian's python3-torch lives in /usr/bin/python3's path). */
export function pythonWithTorch() {
  torchPython ??= ['python3', '/usr/bin/python3'].find(
    (python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0,
  );
  assert.ok(torchPython, 'no python3 here can import torch; install Debian packages python3-torch and python3-onnx');
  return torchPython;
}

/** A TCP port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
