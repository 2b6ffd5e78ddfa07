/**
 * RabbitMQ restarts while two jobs run and a third waits for a slot of the worker (its delivery not yet
 * acknowledged). What users rely on: the job running across the restart ends SUCCEEDED once, with its
 * whole log and its metrics; the job that ends while the broker is down ends SUCCEEDED too; the waiting
 * job, whose message the broker delivers again, runs once; a job submitted once the broker is back
 * runs; every job's `training.job.succeeded` event reaches other services, once.
 *
 * This test stops the broker itself (`rabbitmqctl stop_app`), so it must run alone against it:
 * `flock -x /tmp/rabbit.lock node --test dist/test/jobs-broker-restart.test.js`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Identity, QueueConsumer } from '@aitip/kit';
import { ATTEMPTS_QUEUE } from '../src/storage-keys.js';
import { metricValues } from './example-jobs.js';
import { job, logLines, member, startTraining, statusesUntilEnd, submit, waitForStatus } from './support.js';
import type { TrainingHarness } from './support.js';

const exec = promisify(execFile);
const rabbitmqctl = (...args: string[]) => exec('rabbitmqctl', ['--quiet', ...args]);

/** The RabbitMQ virtual host the harness uses (TEST_AMQP_URL's path). */
const vhost =
  decodeURIComponent(new URL(process.env['TEST_AMQP_URL'] ?? 'amqp://127.0.0.1:5672').pathname.slice(1)) || '/';

/** How many messages of `queue` the broker has handed out and not seen acknowledged. */
async function unacknowledged(queue: string): Promise<number> {
  const { stdout } = await rabbitmqctl(
    'list_queues',
    '-p',
    vhost,
    '--no-table-headers',
    'name',
    'messages_unacknowledged',
  );
  const row = stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .find(([name]) => name === queue);
  return Number(row?.[1] ?? 0);
}

/** Whether this test stopped the broker and has not started it again. */
let brokerStopped = false;

/** Starts the broker's application again if this test left it stopped (a failure, or a crash of this process). */
function restoreBrokerSync(): void {
  if (!brokerStopped) return;
  execFileSync('rabbitmqctl', ['--quiet', 'start_app']);
  brokerStopped = false;
}
process.once('exit', restoreBrokerSync);

/**
 * A job that prints a tick (and a metric line) every 0.2 s until `marker` exists, then five more lines:
 * it runs for as long as the test needs it to, whatever the broker's restart takes.
 */
function tickingJob(marker: string) {
  const script = [
    'i=0',
    `while [ ! -e '${marker}' ]; do i=$((i+1)); echo "tick $i"; echo "@aitip {\\"metrics\\": {\\"tick\\": $i}, \\"step\\": $i}"; sleep 0.2; done`,
    'echo "marker seen after $i ticks"',
    'for j in 1 2 3 4 5; do echo "after $j"; sleep 0.2; done',
  ].join('\n');
  return {
    name: 'ticking',
    experiment: `broker-restart-${randomUUID().slice(0, 8)}`,
    backend: 'local',
    command: ['sh', '-c', script],
  };
}

/** Waits for a line of the job's log printed at `since` or later. */
async function lineSince(h: TrainingHarness, who: Identity, id: string, since: Date): Promise<void> {
  await h.subscribe<{ lines: Array<{ at: string }> }>(
    `subscription($id: ID!) { jobLogs(jobId: $id) { lines { at } } }`,
    { id },
    who,
    (batches) => batches.some((b) => b.lines.some((l) => new Date(l.at) >= since)),
  );
}

/** A shell job that runs `script` on the local backend. */
const echoJob = (name: string, script: string) => ({ name, backend: 'local', command: ['sh', '-c', script] });

/** Submits `input` as `who`; answers the new job's id. */
async function submitted(h: TrainingHarness, who: Identity, input: Record<string, unknown>): Promise<string> {
  const answer = await submit(h, who, input);
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  return answer.data!['submitTrainingJob'].id as string;
}

/** The log lines `tickingJob` prints when it saw the marker after `ticks` ticks. */
function tickingLog(ticks: number): string[] {
  const lines: string[] = [];
  for (let i = 1; i <= ticks; i++) lines.push(`tick ${i}`, `@aitip {"metrics": {"tick": ${i}}, "step": ${i}}`);
  lines.push(`marker seen after ${ticks} ticks`);
  for (let j = 1; j <= 5; j++) lines.push(`after ${j}`);
  return lines;
}

describe('a RabbitMQ restart while jobs run and wait (PostgreSQL, Redis, RabbitMQ)', () => {
  let h: TrainingHarness;
  const alice = member();
  const subscriber = `training-test-${randomUUID().slice(0, 8)}`;
  const succeeded: Array<{ messageId: string; jobId: string }> = [];
  let heard: (() => void) | undefined;
  let events: QueueConsumer | undefined;
  before(async () => {
    await rabbitmqctl('status').catch((err: Error) =>
      assert.fail(`rabbitmqctl cannot reach the broker (${err.message}); this test restarts it and needs rabbitmqctl`),
    );
    // two slots: a third job's delivery waits unacknowledged while two run
    h = await startTraining('real', { TRAINING_WORKER_CONCURRENCY: '2' });
    events = await h.resources.queue.subscribeEvents(subscriber, ['training.job.succeeded'], async (message) => {
      succeeded.push({ messageId: message.id, jobId: (message.payload as { jobId: string }).jobId });
      heard?.();
    });
  });
  after(async () => {
    restoreBrokerSync();
    await events?.stop();
    await h?.resources.queue.deleteQueue(`events.${subscriber}`);
    await h?.close();
  });

  test('running jobs keep their logs, events and single attempt; waiting and new jobs run once', async () => {
    const brokerBack = join(h.test.dataDir, 'broker-is-back');
    const brokerDown = join(h.test.dataDir, 'broker-is-down');
    const runningId = await submitted(h, alice, tickingJob(brokerBack));
    const endingId = await submitted(
      h,
      alice,
      echoJob('ending', `echo started; while [ ! -e '${brokerDown}' ]; do sleep 0.2; done; echo ended`),
    );
    await waitForStatus(h, alice, runningId, 'RUNNING');
    await waitForStatus(h, alice, endingId, 'RUNNING');
    const waitingId = await submitted(h, alice, echoJob('waiting', 'echo "attempt $AITIP_ATTEMPT ran"'));
    // its delivery waits in the worker for a slot, unacknowledged
    while ((await unacknowledged(ATTEMPTS_QUEUE)) < 1) await new Promise((resolve) => setTimeout(resolve, 100));

    brokerStopped = true;
    try {
      await rabbitmqctl('stop_app');
      // the ticking job goes on printing while the broker is down, and the other one ends meanwhile
      await lineSince(h, alice, runningId, new Date());
      await writeFile(brokerDown, '');
      await waitForStatus(h, alice, endingId, 'SUCCEEDED');
      assert.equal((await job(h, alice, runningId)).status, 'RUNNING');
    } finally {
      await rabbitmqctl('start_app');
      brokerStopped = false;
    }

    const freshId = await submitted(h, alice, echoJob('after-restart', 'echo "attempt $AITIP_ATTEMPT ran"'));
    await writeFile(brokerBack, '');

    assert.deepEqual(await statusesUntilEnd(h, alice, runningId), [
      'PENDING',
      'QUEUED',
      'SCHEDULED',
      'RUNNING',
      'SUCCEEDED',
    ]);
    const done = await job(h, alice, runningId);
    assert.deepEqual(
      done.attempts.map((a: { number: number; status: string }) => [a.number, a.status]),
      [[1, 'SUCCEEDED']],
    );
    const lines = await logLines<{ number: number; text: string }>(
      h,
      { id: runningId },
      alice,
      done.attempts[0].logLines,
      'number text',
    );
    assert.deepEqual(
      lines.map((l) => l.number),
      lines.map((_, i) => i),
    );
    const ticks = Number(/^marker seen after (\d+) ticks$/.exec(lines.at(-6)?.text ?? '')?.[1]);
    assert.deepEqual(
      lines.map((l) => l.text),
      tickingLog(ticks),
    );
    assert.deepEqual(
      await metricValues(h, alice, done.runId, 'tick'),
      Array.from({ length: ticks }, (_, i) => i + 1),
    );

    const runs: Array<[string, string[]]> = [
      [endingId, ['started', 'ended']],
      [waitingId, ['attempt 1 ran']],
      [freshId, ['attempt 1 ran']],
    ];
    for (const [id, expected] of runs) {
      assert.deepEqual(await statusesUntilEnd(h, alice, id), [
        'PENDING',
        'QUEUED',
        'SCHEDULED',
        'RUNNING',
        'SUCCEEDED',
      ]);
      const ended = await job(h, alice, id);
      assert.equal(ended.attemptCount, 1);
      assert.deepEqual(
        ended.attempts.map((a: { number: number; status: string }) => [a.number, a.status]),
        [[1, 'SUCCEEDED']],
      );
      const printed = await logLines<{ number: number; text: string }>(
        h,
        { id },
        alice,
        expected.length,
        'number text',
      );
      assert.deepEqual(
        printed.map((l) => l.text),
        expected,
      );
    }
    // nothing was started again meanwhile by a message delivered twice
    assert.equal((await job(h, alice, runningId)).attemptCount, 1);

    // other services heard of each success once
    const jobs = [runningId, endingId, waitingId, freshId];
    const heardOf = () => new Set(succeeded.filter((e) => jobs.includes(e.jobId)).map((e) => e.jobId));
    while (heardOf().size < jobs.length) await new Promise<void>((resolve) => (heard = resolve));
    for (const id of jobs) {
      const messages = new Set(succeeded.filter((e) => e.jobId === id).map((e) => e.messageId));
      assert.equal(messages.size, 1, `training.job.succeeded of ${id} was published ${messages.size} times`);
    }
  });
});
