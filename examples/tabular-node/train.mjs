#!/usr/bin/env node
// Trains a multinomial logistic regression (softmax) classifier on a CSV table with nothing but
// Node.js: numeric feature columns, the class label in the last column. Full-batch gradient descent
// on standardized features; one `@aitip` metric line per epoch; writes model.onnx (the
// standardization folded into the weights) and labels.json to $AITIP_OUTPUT_DIR.
//
//   node train.mjs [--data <file.csv>] [--epochs=100] [--lr=0.5]
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeSoftmaxClassifier } from './onnx.mjs';

const DEFAULTS = { epochs: 100, lr: 0.5 };

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(2);
}

/** Hyperparameters from `--name=value` arguments, else AITIP_HP_<NAME>, else the defaults. */
function readOptions(argv, env) {
  const options = { ...DEFAULTS, data: null };
  for (const name of Object.keys(DEFAULTS)) {
    const value = env[`AITIP_HP_${name.toUpperCase()}`];
    if (value !== undefined) options[name] = value;
  }
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) fail(`unexpected argument "${argv[i]}"; use --data <file.csv>, --epochs=N, --lr=X`);
    const [, name, inline] = match;
    const value = inline ?? argv[++i];
    if (value === undefined) fail(`--${name} needs a value`);
    if (name === 'data' || name in DEFAULTS) options[name] = value;
    // The platform appends every hyperparameter of the job; one this script has no use for is noted.
    else console.log(`ignoring hyperparameter --${name}=${value} (this script knows epochs and lr)`);
  }
  const epochs = Number(options.epochs);
  const lr = Number(options.lr);
  if (!Number.isInteger(epochs) || epochs < 1) fail(`epochs must be a whole number ≥ 1, got "${options.epochs}"`);
  if (!(lr > 0)) fail(`lr must be a positive number, got "${options.lr}"`);
  return { epochs, lr, data: options.data };
}

/** The CSV to train on: --data, else the first *.csv in $AITIP_DATA_DIR/iris. */
function dataFile(option, env) {
  if (option) return option;
  if (!env.AITIP_DATA_DIR) {
    fail('no data: add a dataset input named "iris" to the job (or pass --data <file.csv> when running by hand)');
  }
  const dir = join(env.AITIP_DATA_DIR, 'iris');
  let names;
  try {
    names = readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.csv'));
  } catch {
    fail(`${dir} does not exist; add a dataset input named "iris" to the job`);
  }
  if (names.length === 0) fail(`${dir} holds no .csv file; upload the iris CSV as that dataset version`);
  return join(dir, names.sort()[0]);
}

/** Parses a header row and data rows: every column but the last is a number, the last the label. */
function readTable(file) {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length < 2) fail(`${file} needs a header row and at least one data row`);
  const header = lines[0].split(',').map((h) => h.trim());
  if (header.length < 2) fail(`${file} needs feature columns and a label column, separated by commas`);
  const rows = [];
  const labels = [];
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== header.length)
      fail(`${file} line ${i + 2} has ${cells.length} cells, expected ${header.length}`);
    const features = cells.slice(0, -1).map((cell, column) => {
      const value = Number(cell);
      if (cell === '' || !Number.isFinite(value)) {
        fail(`${file} line ${i + 2}: "${cell}" in column ${header[column]} is not a number`);
      }
      return value;
    });
    rows.push(features);
    labels.push(cells[cells.length - 1]);
  });
  return { features: header.slice(0, -1), rows, labels };
}

/** Per-feature mean and standard deviation (a constant column gets 1 so nothing divides by 0). */
function standardization(rows) {
  const n = rows.length;
  const width = rows[0].length;
  const mean = Array.from({ length: width }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const std = mean.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - m) ** 2, 0) / n) || 1);
  return { mean, std };
}

/** Softmax of each row of `logits` in place; returns it. */
function softmaxRows(logits) {
  for (const row of logits) {
    const max = Math.max(...row);
    let sum = 0;
    for (let k = 0; k < row.length; k++) sum += row[k] = Math.exp(row[k] - max);
    for (let k = 0; k < row.length; k++) row[k] /= sum;
  }
  return logits;
}

function predict(x, weights, bias) {
  return softmaxRows(x.map((row) => bias.map((b, k) => row.reduce((s, v, j) => s + v * weights[j][k], b))));
}

/**
 * One full-batch gradient descent step on the mean cross-entropy, updating `weights` [features][classes]
 * and `bias` in place; returns the loss and accuracy before the step.
 */
function gradientStep(x, target, weights, bias, lr) {
  const n = x.length;
  const probabilities = predict(x, weights, bias);
  let loss = 0;
  let correct = 0;
  const gradWeights = weights.map((row) => row.map(() => 0));
  const gradBias = bias.map(() => 0);
  probabilities.forEach((p, i) => {
    loss -= Math.log(Math.max(p[target[i]], 1e-12));
    if (p.indexOf(Math.max(...p)) === target[i]) correct++;
    p.forEach((pk, k) => {
      // d(cross-entropy)/d(logit k) = p_k - [k is the target]
      const error = (pk - (k === target[i] ? 1 : 0)) / n;
      gradBias[k] += error;
      x[i].forEach((v, j) => (gradWeights[j][k] += error * v));
    });
  });
  weights.forEach((row, j) => row.forEach((_, k) => (row[k] -= lr * gradWeights[j][k])));
  bias.forEach((_, k) => (bias[k] -= lr * gradBias[k]));
  return { loss: loss / n, accuracy: correct / n };
}

function main() {
  const options = readOptions(process.argv.slice(2), process.env);
  const file = dataFile(options.data, process.env);
  const table = readTable(file);
  const classes = [...new Set(table.labels)];
  if (classes.length < 2) fail(`${file} has only one class (${classes[0]}); a classifier needs two or more`);
  const target = table.labels.map((label) => classes.indexOf(label));
  const { mean, std } = standardization(table.rows);
  const x = table.rows.map((row) => row.map((v, j) => (v - mean[j]) / std[j]));
  const n = x.length;
  const width = table.features.length;
  console.log(`training on ${n} rows of ${file}: features ${table.features.join(', ')}; classes ${classes.join(', ')}`);
  console.log(`epochs=${options.epochs} lr=${options.lr}`);

  const weights = Array.from({ length: width }, () => new Array(classes.length).fill(0));
  const bias = new Array(classes.length).fill(0);
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const metrics = gradientStep(x, target, weights, bias, options.lr);
    console.log(`@aitip ${JSON.stringify({ metrics, step: epoch })}`);
    if (epoch === 1 || epoch % 10 === 0 || epoch === options.epochs) {
      console.log(
        `epoch ${epoch}/${options.epochs}: loss ${metrics.loss.toFixed(4)}, accuracy ${metrics.accuracy.toFixed(3)}`,
      );
    }
  }

  // (x - mean) / std · W + b  =  x · (W / std) + (b - Σ_j mean_j / std_j · W_j)
  const foldedWeights = [];
  for (let j = 0; j < width; j++) for (let k = 0; k < classes.length; k++) foldedWeights.push(weights[j][k] / std[j]);
  const foldedBias = bias.map((b, k) => b - mean.reduce((s, m, j) => s + (m / std[j]) * weights[j][k], 0));
  const outputDir = process.env.AITIP_OUTPUT_DIR || 'output';
  mkdirSync(outputDir, { recursive: true });
  const model = encodeSoftmaxClassifier({
    features: width,
    classes: classes.length,
    weights: foldedWeights,
    bias: foldedBias,
    producer: 'aitip tabular-node example',
    metadata: { features: JSON.stringify(table.features), labels: JSON.stringify(classes) },
  });
  writeFileSync(join(outputDir, 'model.onnx'), model);
  writeFileSync(join(outputDir, 'labels.json'), `${JSON.stringify(classes)}\n`);
  console.log(`wrote ${join(outputDir, 'model.onnx')} (${model.length} bytes) and labels.json`);
}

main();
