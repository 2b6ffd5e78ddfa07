import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  job,
  member,
  startTraining,
  startWorkerProcess,
  submit,
  waitForStatus,
  type TrainingHarness,
} from './support.js';

describe('a worker that dies mid-attempt (PostgreSQL, Redis, RabbitMQ)', () => {
  let h: TrainingHarness;
  const children: ChildProcess[] = [];
  before(async () => {
    // this process runs no worker, only the reconcile loop, which gives up on an attempt after 3 s of silence
    h = await startTraining('real', {
      TRAINING_WORKER: 'false',
      TRAINING_STALE_SECONDS: '3',
      TRAINING_RECONCILE_SECONDS: '1',
    });
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await h?.close();
  });

  test('its attempt is failed as lost and the job is retried on another worker, where it succeeds', async () => {
    const alice = member();
    const first = await startWorkerProcess(h);
    children.push(first);
    const submitted = await submit(h, alice, {
      name: 'survivor',
      backend: 'local',
      command: [
        'sh',
        '-c',
        'if [ "$AITIP_ATTEMPT" = 1 ]; then echo first; exec sleep 300; fi; echo "attempt $AITIP_ATTEMPT"',
      ],
      maxRetries: 1,
    });
    assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
    const id = submitted.data!['submitTrainingJob'].id;
    await waitForStatus(h, alice, id, 'RUNNING');

    first.kill('SIGKILL');
    await once(first, 'exit');
    // the job goes back to the queue once the reconcile loop notices the silence
    await h.subscribe<{ status: string; attempt: number }>(
      `subscription($id: ID!) { jobEvents(jobId: $id) { status attempt } }`,
      { id },
      alice,
      (seen) => seen.some((e) => e.status === 'QUEUED' && e.attempt === 1),
    );
    const lost = await job(h, alice, id);
    assert.equal(lost.attempts[0].outcome, 'lost');
    assert.equal(lost.attempts[0].status, 'FAILED');
    assert.match(lost.attempts[0].message, /stopped sending heartbeats/);

    children.push(await startWorkerProcess(h));
    await h.subscribe<{ status: string }>(
      `subscription($id: ID!) { jobEvents(jobId: $id) { status } }`,
      { id },
      alice,
      (seen) => seen.some((e) => e.status === 'SUCCEEDED'),
    );
    const done = await job(h, alice, id);
    assert.deepEqual(
      done.attempts.map((a: { number: number; status: string }) => [a.number, a.status]),
      [
        [1, 'FAILED'],
        [2, 'SUCCEEDED'],
      ],
    );
    const run = await h.mlflow(`/mlflow/runs/get?run_id=${done.runId}`, alice);
    assert.equal(run.json.run.info.status, 'FINISHED');
  });
});
