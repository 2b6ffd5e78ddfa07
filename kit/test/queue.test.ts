import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createLogger } from '../src/log.js';
import {
  eventQueueName,
  MemoryQueue,
  QueueUnavailableError,
  RabbitQueue,
  type DomainEventMessage,
  type Queue,
  type QueueConsumer,
  type QueueMessage,
} from '../src/queue/index.js';
import { currentRequestId, runInRequestScope } from '../src/request-scope.js';
import { TcpProxy } from './fixtures/queue-tcp-proxy.js';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const logger = createLogger('queue-test', process.env.LOG_LEVEL ?? 'silent');
const run = randomBytes(4).toString('hex');

/** Retries an assertion until it passes or the (generous) timeout runs out. */
async function eventually(check: () => void | Promise<void>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}

function openRabbitQueue(url = AMQP_URL, options: { unavailableTimeoutMs?: number } = {}): RabbitQueue {
  return new RabbitQueue({
    url,
    logger,
    unavailableTimeoutMs: options.unavailableTimeoutMs ?? 10_000,
    reconnectMinMs: 50,
    reconnectMaxMs: 500,
    connectionName: `queue-test-${run}`,
  });
}

for (const kind of ['rabbitmq', 'memory'] as const) {
  describe(`${kind} queue`, () => {
    let queue: Queue;
    const queues: string[] = [];
    const queueName = (label: string) => {
      const name = `test.${run}.${kind}.${label}`;
      queues.push(name);
      return name;
    };
    const subscriberName = (label: string) => {
      const name = `test.${run}.${kind}.${label}`;
      queues.push(eventQueueName(name));
      return name;
    };
    const consumers: QueueConsumer[] = [];
    const consume: Queue['consume'] = async (...args) => {
      const consumer = await queue.consume(...args);
      consumers.push(consumer);
      return consumer;
    };

    before(
      async () => {
        queue = kind === 'rabbitmq' ? openRabbitQueue() : new MemoryQueue(logger);
        await queue.ping();
      },
      { timeout: 15_000 },
    );

    after(async () => {
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      for (const name of queues) await queue.deleteQueue(name);
      await queue.close();
    });

    test('delivers a message once, acknowledged, with the request id it was sent under', async () => {
      const name = queueName('ack');
      await runInRequestScope({ requestId: `req-${run}` }, () => queue.send(name, { job: 'train', n: 1 }));
      await queue.send(name, { job: 'explicit' }, { requestId: 'req-explicit' });
      const received: Array<QueueMessage & { scope?: string }> = [];
      const consumer = await consume(name, async (message) => {
        received.push({ ...message, scope: currentRequestId() });
      });
      await eventually(() => assert.equal(received.length, 2));
      const [first, second] = received;
      assert.deepEqual(first?.payload, { job: 'train', n: 1 });
      assert.equal(first?.attempt, 1);
      assert.equal(first?.requestId, `req-${run}`);
      assert.equal(first?.scope, `req-${run}`, 'the handler runs in the request scope of the message');
      assert.equal(second?.requestId, 'req-explicit');
      assert.equal(second?.scope, 'req-explicit');

      // Acknowledged: a new consumer gets only what is sent afterwards.
      await consumer.stop();
      await queue.send(name, { job: 'sentinel' });
      const later: unknown[] = [];
      await consume(name, async (message) => {
        later.push(message.payload);
      });
      await eventually(() => assert.deepEqual(later, [{ job: 'sentinel' }]));
    });

    test('gives an unacknowledged message to the next consumer when its consumer stops', async () => {
      const name = queueName('unacked');
      await queue.send(name, { step: 'first' });
      const stuck: QueueMessage[] = [];
      const stuckConsumer = await queue.consume(
        name,
        (message) => {
          stuck.push(message);
          return new Promise<void>(() => undefined); // never acknowledges
        },
        { drainTimeoutMs: 100 },
      );
      await eventually(() => assert.equal(stuck.length, 1));
      await stuckConsumer.stop();

      const received: QueueMessage[] = [];
      await consume(name, async (message) => {
        received.push(message);
      });
      await eventually(() => assert.equal(received.length, 1));
      assert.equal(received[0]?.id, stuck[0]?.id);
      assert.deepEqual(received[0]?.payload, { step: 'first' });
      assert.equal(received[0]?.attempt, 2, 'the lost delivery counts as an attempt');
    });

    test('dead-letters a message whose consumers keep dying before acknowledging it', async () => {
      const name = queueName('poison');
      await queue.send(name, { kills: 'consumers' });
      const options = { maxAttempts: 2, drainTimeoutMs: 50 };
      const hang = (seen: QueueMessage[]) => (message: QueueMessage) => {
        seen.push(message);
        return new Promise<void>(() => undefined);
      };
      for (const attempt of [1, 2]) {
        const seen: QueueMessage[] = [];
        const consumer = await queue.consume(name, hang(seen), options);
        await eventually(() => assert.equal(seen.length, 1));
        assert.equal(seen[0]?.attempt, attempt);
        await consumer.stop();
      }
      // The next consumer finds the second lost delivery was the last attempt allowed.
      const seen: QueueMessage[] = [];
      await consume(name, hang(seen), options);
      await eventually(async () => assert.equal((await queue.deadLetters(name)).length, 1));
      const [letter] = await queue.deadLetters(name);
      assert.equal(letter?.attempts, 2);
      assert.match(letter?.error ?? '', /consumer stopped before acknowledging/);
      assert.deepEqual(seen, []);
    });

    test('retries a failing message after the back-off', async () => {
      const name = queueName('retry');
      const backoffCalls: number[] = [];
      const deliveries: Array<{ attempt: number; at: number; id: string }> = [];
      await queue.send(name, { flaky: true });
      await consume(
        name,
        async (message) => {
          deliveries.push({ attempt: message.attempt, at: Date.now(), id: message.id });
          if (message.attempt < 3) throw new Error(`flaky on attempt ${message.attempt}`);
        },
        {
          backoffMs: (attempt) => {
            backoffCalls.push(attempt);
            return 400;
          },
        },
      );
      await eventually(() => assert.equal(deliveries.length, 3));
      assert.deepEqual(
        deliveries.map(({ attempt }) => attempt),
        [1, 2, 3],
      );
      assert.deepEqual(backoffCalls, [1, 2]);
      assert.equal(new Set(deliveries.map(({ id }) => id)).size, 1, 'the id stays the same across retries');
      for (let i = 1; i < deliveries.length; i++) {
        const gap = deliveries[i]!.at - deliveries[i - 1]!.at;
        // A lower bound only: the back-off may never be skipped, being late is fine.
        assert.ok(gap >= 350, `retry ${i} came ${gap} ms after the failure`);
      }
      await sleep(200);
      assert.equal(deliveries.length, 3, 'a handled message is not delivered again');
    });

    test('dead-letters a message that keeps failing, keeps it on inspection, and requeues it', async () => {
      const name = queueName('dead');
      await runInRequestScope({ requestId: `dead-${run}` }, () => queue.send(name, { poison: 1 }));
      const failing = await queue.consume(
        name,
        async (message) => {
          throw new Error(`boom on attempt ${message.attempt}`);
        },
        { maxAttempts: 3, backoffMs: () => 50 },
      );
      await eventually(async () => assert.equal((await queue.deadLetters(name)).length, 1));
      await failing.stop();

      const [letter] = await queue.deadLetters(name);
      assert.deepEqual(letter?.payload, { poison: 1 });
      assert.equal(letter?.error, 'boom on attempt 3');
      assert.equal(letter?.attempts, 3);
      assert.equal(letter?.requestId, `dead-${run}`);
      assert.equal((await queue.deadLetters(name)).length, 1, 'inspecting does not remove dead letters');

      assert.equal(await queue.requeueDeadLetters(name), 1);
      assert.deepEqual(await queue.deadLetters(name), []);
      const received: QueueMessage[] = [];
      await consume(name, async (message) => {
        received.push(message);
      });
      await eventually(() => assert.equal(received.length, 1));
      assert.deepEqual(received[0]?.payload, { poison: 1 });
      assert.equal(received[0]?.attempt, 1, 'a requeued dead letter starts over');
      assert.equal(received[0]?.id, letter?.id);
    });

    test('holds back a message sent with a delay', async () => {
      const name = queueName('delayed');
      const arrivals: number[] = [];
      await consume(name, async () => {
        arrivals.push(Date.now());
      });
      const sentAt = Date.now();
      await queue.send(name, { later: true }, { delayMs: 400 });
      await eventually(() => assert.equal(arrivals.length, 1));
      assert.ok(arrivals[0]! - sentAt >= 350, `arrived after ${arrivals[0]! - sentAt} ms`);
    });

    test('routes domain events to subscribers by topic pattern', async () => {
      const received = new Map<string, string[]>();
      const subscribe = async (label: string, patterns: string[]) => {
        const keys: string[] = [];
        received.set(label, keys);
        const consumer = await queue.subscribeEvents(
          subscriberName(label),
          patterns.map((pattern) => `${run}.${pattern}`),
          async (message: DomainEventMessage) => {
            keys.push(message.routingKey.slice(run.length + 1));
          },
          { prefetch: 1 },
        );
        consumers.push(consumer);
      };
      await subscribe('jobs', ['training.job.*']);
      await subscribe('training', ['training.#']);
      await subscribe('succeeded', ['*.job.succeeded']);
      await subscribe('two-patterns', ['inference.#', 'training.run.*']);

      for (const key of ['training.run.log', 'inference.job.succeeded', 'training', 'billing.invoice.paid']) {
        await queue.publishEvent(`${run}.${key}`, { key });
      }
      // Matches every subscriber's patterns but one, and comes last: once it is in, everything before it is.
      await queue.publishEvent(`${run}.training.job.succeeded`, { key: 'last' });
      await queue.publishEvent(`${run}.inference.done`, { key: 'last' });

      await eventually(() => {
        assert.deepEqual(received.get('jobs'), ['training.job.succeeded']);
        assert.deepEqual(received.get('training'), ['training.run.log', 'training', 'training.job.succeeded']);
        assert.deepEqual(received.get('succeeded'), ['inference.job.succeeded', 'training.job.succeeded']);
        assert.deepEqual(received.get('two-patterns'), [
          'training.run.log',
          'inference.job.succeeded',
          'inference.done',
        ]);
      });
    });

    test('retries a failing event handler with the event routing key kept', async () => {
      const subscriber = subscriberName('retrying');
      const deliveries: DomainEventMessage[] = [];
      consumers.push(
        await queue.subscribeEvents(
          subscriber,
          [`${run}.model.#`],
          async (message) => {
            deliveries.push(message);
            if (message.attempt === 1) throw new Error('not yet');
          },
          { backoffMs: () => 50 },
        ),
      );
      await runInRequestScope({ requestId: `event-${run}` }, () =>
        queue.publishEvent(`${run}.model.version.promoted`, { version: 3 }),
      );
      await eventually(() => assert.equal(deliveries.length, 2));
      assert.deepEqual(
        deliveries.map(({ attempt, routingKey, requestId, payload }) => ({ attempt, routingKey, requestId, payload })),
        [1, 2].map((attempt) => ({
          attempt,
          routingKey: `${run}.model.version.promoted`,
          requestId: `event-${run}`,
          payload: { version: 3 },
        })),
      );
    });
  });
}

describe('rabbitmq queue under failure', () => {
  const amqp = new URL(AMQP_URL);
  const target = { host: amqp.hostname, port: Number(amqp.port || 5672) };
  const viaProxy = (proxy: TcpProxy) => {
    const url = new URL(AMQP_URL);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    return url.toString();
  };
  let admin: RabbitQueue;
  const queues: string[] = [];
  const queueName = (label: string) => {
    const name = `test.${run}.failure.${label}`;
    queues.push(name);
    return name;
  };

  before(
    async () => {
      admin = openRabbitQueue();
      await admin.ping();
    },
    { timeout: 15_000 },
  );

  after(async () => {
    for (const name of queues) await admin.deleteQueue(name);
    await admin.close();
  });

  test('redelivers the message of a consumer process that exits before acknowledging', async () => {
    const name = queueName('crash');
    await admin.send(name, { survives: 'crash' });
    const fixture = join(__dirname, 'fixtures', 'queue-crash-consumer.js');
    const child = spawn(process.execPath, [fixture, name], {
      env: { ...process.env, AMQP_URL },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(exitCode, 1, `the consumer process should crash while handling; stderr: ${stderr}`);
    const inChild = JSON.parse(stdout.trim()) as QueueMessage;
    assert.equal(inChild.attempt, 1);

    const received: QueueMessage[] = [];
    const consumer = await admin.consume(name, async (message) => {
      received.push(message);
    });
    await eventually(() => assert.equal(received.length, 1));
    await consumer.stop();
    assert.equal(received[0]?.id, inChild.id);
    assert.deepEqual(received[0]?.payload, { survives: 'crash' });
    assert.equal(received[0]?.attempt, 2);
  });

  test('reconnects after the connection drops; publishing and consuming work again', async () => {
    const proxy = new TcpProxy(target);
    await proxy.start();
    const queue = openRabbitQueue(viaProxy(proxy), { unavailableTimeoutMs: 15_000 });
    const impatient = openRabbitQueue(viaProxy(proxy), { unavailableTimeoutMs: 500 });
    try {
      const name = queueName('reconnect');
      const received: unknown[] = [];
      await queue.consume(name, async (message) => {
        received.push(message.payload);
      });
      // Its short timeout is for the outage below; connecting may take longer on a busy machine.
      await eventually(() => impatient.ping());
      await queue.send(name, 1);
      await eventually(() => assert.deepEqual(received, [1]));

      proxy.dropConnections();
      await queue.send(name, 2);
      await eventually(() => assert.deepEqual(received, [1, 2]), 20_000);

      // An outage: sends wait for the broker to come back...
      await proxy.stop();
      const sending = queue.send(name, 3);
      // ...up to their timeout, then fail saying why.
      await assert.rejects(impatient.send(name, 'never'), (error: unknown) => {
        assert.ok(error instanceof QueueUnavailableError);
        assert.match(error.message, /RabbitMQ at .* is unreachable/);
        assert.doesNotMatch(error.message, new RegExp(`:${amqp.password}@`));
        return true;
      });
      await proxy.start();
      await sending;
      await eventually(() => assert.deepEqual(received, [1, 2, 3]), 20_000);
    } finally {
      await queue.close();
      await impatient.close();
      await proxy.stop();
    }
  });

  test('reconnects after the broker closes the connection', async (t) => {
    const exec = promisify(execFile);
    const rabbitmqctl = async (...args: string[]) => (await exec('rabbitmqctl', ['--quiet', ...args])).stdout;
    const proxy = new TcpProxy(target);
    await proxy.start();
    const queue = openRabbitQueue(viaProxy(proxy));
    try {
      const name = queueName('forced');
      const received: unknown[] = [];
      await queue.consume(name, async (message) => {
        received.push(message.payload);
      });
      await queue.send(name, 'before');
      await eventually(() => assert.deepEqual(received, ['before']));

      // Close only this test's connection, found by the port it comes from.
      let listing: string;
      try {
        listing = await rabbitmqctl('list_connections', '--no-table-headers', 'pid', 'peer_port');
      } catch {
        t.skip('rabbitmqctl is not usable here; the socket-drop test above covers reconnecting');
        return;
      }
      const ours = listing
        .split('\n')
        .map((line) => line.split('\t'))
        .filter(([, port]) => proxy.upstreamPorts.has(Number(port)));
      assert.equal(ours.length, 1, `one connection of ours in:\n${listing}`);
      await rabbitmqctl('close_connection', ours[0]![0]!, 'test closes it');

      await queue.send(name, 'after');
      await eventually(() => assert.deepEqual(received, ['before', 'after']), 20_000);
    } finally {
      await queue.close();
      await proxy.stop();
    }
  });

  test('fails with a clear error when the broker cannot be reached at all', async () => {
    const unreachable = new RabbitQueue({
      url: 'amqp://guest:secret-password@127.0.0.1:1',
      logger,
      unavailableTimeoutMs: 300,
    });
    try {
      await assert.rejects(unreachable.send('anything', {}), (error: unknown) => {
        assert.ok(error instanceof QueueUnavailableError);
        assert.match(error.message, /unreachable.*sending to "anything"/);
        assert.doesNotMatch(error.message, /secret-password/);
        return true;
      });
      await assert.rejects(unreachable.ping(), QueueUnavailableError);
    } finally {
      await unreachable.close();
    }
  });
});
