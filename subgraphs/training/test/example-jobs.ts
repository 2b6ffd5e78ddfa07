/**
 * Helpers for tests that run the examples under `examples/` as training jobs: a job run to its end,
 * the example's code uploaded as a code archive (as `aitip jobs run` does for `code: .`), its run's
 * metrics and artifacts read back, and the iris model scored with onnxruntime-node.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { createGzip } from 'node:zlib';
import * as ort from 'onnxruntime-node';
import { pack } from 'tar-stream';
import { IDENTITY_HEADER, signIdentity, type Identity } from '@aitip/kit';
import { job, repoRoot, statusesUntilEnd, submit, type TrainingHarness } from './support.js';

/** The points of the run's metric `key`, in step order. */
export async function metricValues(h: TrainingHarness, who: Identity, runId: string, key: string): Promise<number[]> {
  const history = await h.mlflow(`/mlflow/metrics/get-history?run_id=${runId}&metric_key=${key}`, who);
  assert.equal(history.status, 200, history.text);
  return (history.json.metrics as Array<{ step: number; value: number }>)
    .sort((a, b) => a.step - b.step)
    .map((m) => m.value);
}

/** Submits `input` as `who`, waits for its end and answers the job, which must have SUCCEEDED. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runToSuccess(h: TrainingHarness, who: Identity, input: Record<string, unknown>): Promise<any> {
  const submitted = await submit(h, who, input);
  assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
  const created = submitted.data!['submitTrainingJob'];
  await statusesUntilEnd(h, who, created.id);
  const done = await job(h, who, created.id);
  assert.equal(done.status, 'SUCCEEDED', `${done.message ?? ''} ${done.hint ?? ''}`);
  return done;
}

/** The files of `examples/<example>` as a .tar.gz, paths relative to the example's folder. */
async function exampleArchive(example: string): Promise<Buffer> {
  const dir = join(repoRoot, 'examples', example);
  const archive = pack();
  const zipped = buffer(archive.pipe(createGzip()));
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries.filter((e) => e.isFile() && !e.parentPath.includes('__pycache__'))) {
    const path = join(entry.parentPath, entry.name);
    const header = { name: relative(dir, path).split(sep).join('/'), mode: 0o644 };
    const data = await readFile(path);
    await new Promise<void>((resolve, reject) => archive.entry(header, data, (err) => (err ? reject(err) : resolve())));
  }
  archive.finalize();
  return zipped;
}

/** Uploads `examples/<example>` as a code archive of `who`'s organization; answers the archive's id. */
export async function uploadExampleCode(h: TrainingHarness, who: Identity, example: string): Promise<string> {
  const rest = h.training.url.replace(/\/graphql$/, '/rest');
  const response = await fetch(`${rest}/code-archives`, {
    method: 'PUT',
    headers: { 'content-type': 'application/gzip', [IDENTITY_HEADER]: signIdentity(who, h.test.internalSecret) },
    body: await exampleArchive(example),
  });
  const answer = (await response.json()) as { archiveId?: string };
  assert.equal(response.status, 201, JSON.stringify(answer));
  return answer.archiveId!;
}

/** Downloads the run's artifact `path` through the experiments subgraph's MLflow artifact proxy. */
export async function downloadArtifact(
  h: TrainingHarness,
  who: Identity,
  run: { experimentId: string; runId: string },
  path: string,
): Promise<Buffer> {
  const base = h.experiments.url.replace(/\/graphql$/, '/rest/2.0');
  const response = await fetch(
    `${base}/mlflow-artifacts/artifacts/${run.experimentId}/${run.runId}/artifacts/${path}`,
    { headers: { [IDENTITY_HEADER]: signIdentity(who, h.test.internalSecret) } },
  );
  assert.equal(response.status, 200, `${path}: HTTP ${response.status} ${await response.clone().text()}`);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * The share of the rows of `csv` (iris: four feature columns, then the class) that the ONNX model
 * (input `float_input`, one score per class in the order of `labels`) classifies right.
 */
export async function irisAccuracy(model: Uint8Array, labels: string[], csv: string): Promise<number> {
  const session = await ort.InferenceSession.create(model);
  const rows = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
  const features = Float32Array.from(rows.flatMap((r) => r.slice(0, 4).map(Number)));
  const out = await session.run({ float_input: new ort.Tensor('float32', features, [rows.length, 4]) });
  const scores = out[session.outputNames[0]!]!.data as Float32Array;
  let right = 0;
  rows.forEach((r, i) => {
    const row = Array.from(scores.slice(i * labels.length, (i + 1) * labels.length));
    if (labels[row.indexOf(Math.max(...row))] === r[4]) right++;
  });
  return right / rows.length;
}
