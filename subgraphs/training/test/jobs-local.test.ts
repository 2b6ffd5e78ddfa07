import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Identity, QueueConsumer } from '@aitip/kit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  job,
  logLines,
  member,
  repoRoot,
  startTraining,
  statusesUntilEnd,
  submit,
  uploadDatasetVersion,
  waitForStatus,
  type TrainingHarness,
} from './support.js';

const tabularNode = (experiment: string) => ({
  name: 'tabular-node',
  experiment,
  backend: 'local',
  runtime: 'node',
  code: { path: join(repoRoot, 'examples/tabular-node') },
  command: ['node', 'train.mjs'],
  inputs: [{ name: 'iris', dataset: 'iris', version: 'latest' }],
  hyperparameters: [
    { name: 'epochs', value: '30' },
    { name: 'lr', value: '0.5' },
  ],
  timeoutSeconds: 120,
});

const shellJob = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
  name,
  backend: 'local',
  command: ['sh', '-c', script],
  ...extra,
});

/** Runs examples/tabular-node as `who` and checks everything it leaves behind. */
async function checkTabularNode(h: TrainingHarness, alice: Identity): Promise<string> {
  const experiment = `iris-${randomUUID().slice(0, 8)}`;
  const iris = readFileSync(join(repoRoot, 'examples/data/iris.csv'));
  assert.equal(await uploadDatasetVersion(h, alice, 'iris', [{ path: 'iris.csv', data: iris }]), 1);
  const submitted = await submit(h, alice, tabularNode(experiment));
  assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
  const created = submitted.data!['submitTrainingJob'];
  assert.ok(created.runId, 'the job has a run');
  assert.equal(created.spec.codePath, join(repoRoot, 'examples/tabular-node'));

  const statuses = await statusesUntilEnd(h, alice, created.id);
  assert.deepEqual(statuses, ['PENDING', 'QUEUED', 'SCHEDULED', 'RUNNING', 'SUCCEEDED']);
  const done = await job(h, alice, created.id);
  assert.equal(done.status, 'SUCCEEDED', done.message);
  assert.equal(done.attempts.length, 1);
  const [attempt] = done.attempts;
  assert.equal(attempt.outcome, 'succeeded');
  assert.equal(attempt.exitCode, 0);
  assert.ok(attempt.logLines > 30, `${attempt.logLines} log lines`);

  // the whole log from line 0, numbered without gaps, then from line 10
  type Line = { number: number; text: string; stream: string; rank: number; attempt: number };
  const fields = 'number attempt rank stream text at';
  const all = await logLines<Line>(h, { id: created.id, from: 0 }, alice, attempt.logLines, fields);
  assert.deepEqual(
    all.map((l) => l.number),
    Array.from({ length: attempt.logLines }, (_, i) => i),
  );
  assert.ok(all.some((l) => l.text.startsWith('@aitip ')));
  assert.ok(all.some((l) => /^wrote .*model\.onnx/.test(l.text)));
  assert.ok(all.every((l) => l.rank === 0 && l.attempt === 1 && l.stream === 'stdout'));
  const tail = await logLines<Line>(h, { id: created.id, from: 10 }, alice, attempt.logLines - 10, fields);
  assert.equal(tail[0]!.number, 10);
  assert.deepEqual(tail, all.slice(10));

  // the run: tagged with the job, hyperparameters as params, one loss point per epoch, outputs as artifacts
  const run = await h.mlflow(`/mlflow/runs/get?run_id=${created.runId}`, alice);
  assert.equal(run.status, 200, run.text);
  assert.equal(run.json.run.info.status, 'FINISHED');
  const tags = Object.fromEntries(run.json.run.data.tags.map((t: { key: string; value: string }) => [t.key, t.value]));
  assert.equal(tags['aitip.training.job'], created.id);
  const params = Object.fromEntries(
    run.json.run.data.params.map((p: { key: string; value: string }) => [p.key, p.value]),
  );
  assert.deepEqual(params, { epochs: '30', lr: '0.5' });
  const history = await h.mlflow(`/mlflow/metrics/get-history?run_id=${created.runId}&metric_key=loss`, alice);
  assert.equal(history.status, 200, history.text);
  const steps = history.json.metrics.map((m: { step: number }) => m.step).sort((a: number, b: number) => a - b);
  assert.deepEqual(
    steps,
    Array.from({ length: 30 }, (_, i) => i + 1),
  );
  const losses = history.json.metrics.sort((a: { step: number }, b: { step: number }) => a.step - b.step);
  assert.ok(losses.at(-1).value < losses[0].value, 'the loss went down');
  const artifacts = await h.mlflow(`/mlflow/artifacts/list?run_id=${created.runId}`, alice);
  const files = artifacts.json.files.map((f: { path: string }) => f.path).sort();
  assert.deepEqual(files, ['labels.json', 'model.onnx']);
  const experimentRuns = await h.mlflow(`/mlflow/experiments/get-by-name?experiment_name=${experiment}`, alice);
  assert.equal(experimentRuns.json.experiment.experiment_id, created.experimentId);

  // the attempt's log is archived
  const keys = await h.test.keys(`training/${alice.orgId}/${created.id}/`);
  assert.deepEqual(keys, [`training/${alice.orgId}/${created.id}/attempt-1.log`]);
  return created.id;
}

describe('training jobs on the local backend (PostgreSQL, Redis, RabbitMQ, S3)', () => {
  let h: TrainingHarness;
  const alice = member();
  const subscriber = `training-test-${randomUUID().slice(0, 8)}`;
  const domainEvents: Array<{ routingKey: string; jobId: string }> = [];
  let heard: (() => void) | undefined;
  let events: QueueConsumer | undefined;
  before(async () => {
    h = await startTraining('real');
    events = await h.resources.queue.subscribeEvents(subscriber, ['training.job.#'], async (message) => {
      domainEvents.push({ routingKey: message.routingKey, jobId: (message.payload as { jobId: string }).jobId });
      heard?.();
    });
  });
  after(async () => {
    await events?.stop();
    await h?.resources.queue.deleteQueue(`events.${subscriber}`);
    await h?.close();
  });

  test('tabular-node succeeds: events, replayable logs, metrics, params and artifacts in its run', async () => {
    const id = await checkTabularNode(h, alice);
    // every transition was a domain event on the queue too
    const ofJob = () => domainEvents.filter((e) => e.jobId === id).map((e) => e.routingKey);
    while (!ofJob().includes('training.job.succeeded')) await new Promise<void>((resolve) => (heard = resolve));
    assert.deepEqual(ofJob(), [
      'training.job.pending',
      'training.job.queued',
      'training.job.scheduled',
      'training.job.running',
      'training.job.succeeded',
    ]);
  });

  test('a command that exits 3 fails with its exit code and is not retried; retry runs it again', async () => {
    const submitted = await submit(
      h,
      alice,
      shellJob('exit-3', 'echo about to fail; echo oops >&2; exit 3', { maxRetries: 2 }),
    );
    assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
    const id = submitted.data!['submitTrainingJob'].id;
    const statuses = await statusesUntilEnd(h, alice, id);
    assert.equal(statuses.at(-1), 'FAILED');
    const failed = await job(h, alice, id);
    assert.equal(failed.attemptCount, 1);
    assert.equal(failed.attempts[0].exitCode, 3);
    assert.equal(failed.attempts[0].outcome, 'failed');
    assert.match(failed.message, /3/);
    const run = await h.mlflow(`/mlflow/runs/get?run_id=${failed.runId}`, alice);
    assert.equal(run.json.run.info.status, 'FAILED');

    const retried = await h.ok(`mutation($id: ID!) { retryTrainingJob(id: $id) { status } }`, { id }, alice);
    assert.equal(retried['retryTrainingJob'].status, 'QUEUED');
    await h.subscribe<{ status: string; attempt: number }>(
      `subscription($id: ID!) { jobEvents(jobId: $id) { status attempt } }`,
      { id },
      alice,
      (seen) => seen.some((e) => e.status === 'FAILED' && e.attempt === 2),
    );
    const again = await job(h, alice, id);
    assert.deepEqual(
      again.attempts.map((a: { number: number; exitCode: number }) => [a.number, a.exitCode]),
      [
        [1, 3],
        [2, 3],
      ],
    );
    // the second attempt's lines continue the job log's numbering
    const lines = await logLines<{ number: number; attempt: number; stream: string; text: string }>(
      h,
      { id },
      alice,
      4,
      'number attempt stream text',
    );
    assert.deepEqual(
      lines.map((l) => [l.number, l.attempt]),
      [
        [0, 1],
        [1, 1],
        [2, 2],
        [3, 2],
      ],
    );
    assert.ok(lines.some((l) => l.stream === 'stderr' && l.text === 'oops'));
  });

  test('cancelling a running job stops it: CANCELLED', async () => {
    const submitted = await submit(h, alice, shellJob('sleeper', 'echo sleeping; exec sleep 300'));
    const id = submitted.data!['submitTrainingJob'].id;
    await waitForStatus(h, alice, id, 'RUNNING');
    const cancelled = await h.ok(
      `mutation($id: ID!) { cancelTrainingJob(id: $id) { id cancelRequested } }`,
      { id },
      alice,
    );
    assert.equal(cancelled['cancelTrainingJob'].cancelRequested, true);
    const statuses = await statusesUntilEnd(h, alice, id);
    assert.equal(statuses.at(-1), 'CANCELLED');
    const ended = await job(h, alice, id);
    assert.equal(ended.attempts[0].status, 'CANCELLED');
    assert.equal(ended.attempts[0].outcome, 'cancelled');
    const run = await h.mlflow(`/mlflow/runs/get?run_id=${ended.runId}`, alice);
    assert.equal(run.json.run.info.status, 'KILLED');
    const again = await h.call(`mutation($id: ID!) { cancelTrainingJob(id: $id) { id } }`, { id }, alice);
    assert.equal(again.errors?.[0]?.extensions?.['code'], 'CONFLICT');
  });

  test('a job that outlives timeoutSeconds is stopped: TIMED_OUT', async () => {
    const submitted = await submit(h, alice, shellJob('too-slow', 'exec sleep 300', { timeoutSeconds: 1 }));
    const id = submitted.data!['submitTrainingJob'].id;
    const statuses = await statusesUntilEnd(h, alice, id);
    assert.equal(statuses.at(-1), 'TIMED_OUT');
    const ended = await job(h, alice, id);
    assert.equal(ended.attempts[0].outcome, 'timed_out');
  });

  test('bad input is refused at submission with what to do', async () => {
    const bob = member();
    const unknown = await submit(h, bob, shellJob('x', 'true', { backend: 'mainframe' }));
    assert.equal(unknown.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.match(unknown.errors![0]!.message, /backend/);

    const kubernetes = await submit(h, bob, {
      name: 'k',
      backend: 'kubernetes',
      image: 'aitip/base:1',
      command: ['true'],
    });
    assert.match(kubernetes.errors?.[0]?.message ?? '', /no Kubernetes cluster is configured/);

    const invalid = await submit(h, bob, { name: 'bad name!', command: [], workers: 0 });
    const problems = invalid.errors?.[0]?.extensions?.['problems'] as Array<{ path: string }>;
    assert.ok(problems.length >= 2, JSON.stringify(invalid.errors));

    const missing = await submit(h, bob, { name: 'missing', backend: 'local', command: ['no-such-program-aitip'] });
    assert.match(missing.errors?.[0]?.message ?? '', /command not found: no-such-program-aitip/);

    // another organization's dataset is not there for bob; a version that does not exist is named
    const inputs = await submit(h, bob, {
      ...shellJob('with-inputs', 'true'),
      inputs: [{ name: 'iris', dataset: 'iris' }],
    });
    assert.match(inputs.errors?.[0]?.message ?? '', /inputs\[0\]: there is no dataset "iris" in this organization/);
    const version = await submit(h, alice, {
      ...shellJob('with-inputs', 'true'),
      inputs: [{ name: 'iris', dataset: 'iris', version: '7' }],
    });
    assert.match(version.errors?.[0]?.message ?? '', /dataset "iris" has no version 7; its versions are 1/);

    const listed = await h.ok(`{ trainingJobs { nodes { id } } }`, {}, bob);
    assert.deepEqual(listed['trainingJobs'].nodes, [], 'nothing refused was stored');
  });

  test('lists newest first with cursors; another organization sees none of it', async () => {
    const first = await h.ok(`{ trainingJobs(first: 2) { nodes { id createdAt } endCursor hasNextPage } }`, {}, alice);
    const page = first['trainingJobs'];
    assert.equal(page.nodes.length, 2);
    assert.equal(page.hasNextPage, true);
    assert.ok(page.nodes[0].createdAt >= page.nodes[1].createdAt);
    const next = await h.ok(
      `query($after: String) { trainingJobs(first: 50, after: $after) { nodes { id } hasNextPage } }`,
      { after: page.endCursor },
      alice,
    );
    const ids = [...page.nodes, ...next['trainingJobs'].nodes].map((n: { id: string }) => n.id);
    assert.equal(new Set(ids).size, 4);
    assert.equal(next['trainingJobs'].hasNextPage, false);
    const failed = await h.ok(`{ trainingJobs(status: FAILED) { nodes { status } } }`, {}, alice);
    assert.deepEqual(failed['trainingJobs'].nodes, [{ status: 'FAILED' }]);

    const eve = member();
    assert.equal(
      (await h.ok(`query($id: ID!) { trainingJob(id: $id) { id } }`, { id: ids[0] }, eve))['trainingJob'],
      null,
    );
    assert.deepEqual((await h.ok(`{ trainingJobs { nodes { id } } }`, {}, eve))['trainingJobs'].nodes, []);
    const cancel = await h.call(`mutation($id: ID!) { cancelTrainingJob(id: $id) { id } }`, { id: ids[0] }, eve);
    assert.equal(cancel.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
    const viewer = member(alice.orgId, 'viewer');
    const refused = await submit(h, viewer, shellJob('nope', 'true'));
    assert.equal(refused.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
  });
});

describe('training jobs on the local backend (embedded, experiments found in this process)', () => {
  let h: TrainingHarness;
  before(async () => {
    h = await startTraining('embedded', {}, 'process');
  });
  after(async () => {
    await h?.close();
  });

  test('tabular-node succeeds with its run, metrics and artifacts', async () => {
    await checkTabularNode(h, member());
  });
});
