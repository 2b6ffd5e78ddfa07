import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { job, member, startTraining, submit, waitForStatus, type TrainingHarness } from './support.js';

/** Starts a training process with its worker; resolves once it takes attempts. */
async function startWorkerProcess(h: TrainingHarness): Promise<ChildProcess> {
  const target = h.resources.database as { url: string };
  const child = spawn(process.execPath, [join(__dirname, 'fixtures/training-process.js')], {
    env: {
      ...process.env,
      ...h.env,
      AITIP_DATA_DIR: join(h.test.dataDir, `worker-${Date.now()}`),
      TRAINING_WORKER: 'true',
      DATABASE_URL: target.url,
      REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      AMQP_URL: process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the worker process exited (${code}) before it was ready`)));
  });
  return child;
}

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
