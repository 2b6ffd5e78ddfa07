import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { compareStreamIds, createBus, type Bus, type StreamEntry } from '../src/bus/index.js';
import { createLogger } from '../src/log.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger('bus-test', process.env.LOG_LEVEL ?? 'silent');
const run = randomBytes(4).toString('hex');

/** Retries an assertion until it passes or the (generous) timeout runs out. */
async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(20);
    }
  }
}

async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

test('stream ids compare numerically, not as text', () => {
  assert.ok(compareStreamIds('10-0', '9-5') > 0);
  assert.ok(compareStreamIds('5-10', '5-9') > 0);
  assert.equal(compareStreamIds('5-1', '5-1'), 0);
  assert.ok(compareStreamIds('5', '5-1') < 0);
});

for (const kind of ['redis', 'memory'] as const) {
  describe(`${kind} bus`, () => {
    let bus: Bus;
    const streams: string[] = [];
    const streamName = (label: string) => {
      const name = `test:${run}:${kind}:${label}`;
      streams.push(name);
      return name;
    };

    before(
      async () => {
        bus = createBus({ redisUrl: kind === 'redis' ? REDIS_URL : undefined, logger });
        await bus.ping();
      },
      { timeout: 15_000 },
    );

    after(async () => {
      for (const stream of streams) await bus.delete(stream);
      await bus.close();
    });

    test('delivers a published message to every subscriber, until each unsubscribes', async () => {
      const channel = `test:${run}:${kind}:live`;
      const first: unknown[] = [];
      const second: unknown[] = [];
      const unsubscribeFirst = await bus.subscribe(channel, (message) => first.push(message));
      const unsubscribeSecond = await bus.subscribe(channel, (message) => second.push(message));
      const other: unknown[] = [];
      const unsubscribeOther = await bus.subscribe(`${channel}:other`, (message) => other.push(message));

      await bus.publish(channel, { step: 1, nested: { ok: true }, list: [1, 'two'] });
      await eventually(() => {
        assert.deepEqual(first, [{ step: 1, nested: { ok: true }, list: [1, 'two'] }]);
        assert.deepEqual(second, first);
      });

      await unsubscribeFirst();
      await bus.publish(channel, { step: 2 });
      await eventually(() => assert.equal(second.length, 2));
      // Messages reach handlers in publish order, so the first handler would have had it by now.
      assert.equal(first.length, 1);

      await unsubscribeSecond();
      const third: unknown[] = [];
      const unsubscribeThird = await bus.subscribe(channel, (message) => third.push(message));
      await bus.publish(channel, 'three');
      await eventually(() => assert.deepEqual(third, ['three']));
      assert.equal(second.length, 2);
      assert.deepEqual(other, []);
      await unsubscribeThird();
      await unsubscribeOther();
    });

    test('reads a stream from the start or strictly after an id, in id order', async () => {
      const stream = streamName('read');
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push(await bus.append(stream, { i, nested: { at: i }, tags: ['x'] }));

      for (const id of ids) assert.match(id, /^\d+-\d+$/);
      for (let i = 1; i < ids.length; i++)
        assert.ok(compareStreamIds(ids[i - 1]!, ids[i]!) < 0, `${ids[i - 1]} < ${ids[i]}`);

      const all = await bus.read(stream);
      assert.deepEqual(
        all,
        ids.map((id, i) => ({ id, entry: { i, nested: { at: i }, tags: ['x'] } })),
      );
      assert.deepEqual(
        (await bus.read(stream, { after: ids[3] })).map(({ entry }) => entry.i),
        [4, 5, 6, 7, 8, 9],
      );
      assert.deepEqual(
        (await bus.read(stream, { after: ids[3], count: 2 })).map(({ entry }) => entry.i),
        [4, 5],
      );
      assert.deepEqual(await bus.read(stream, { after: ids[9] }), []);
      assert.deepEqual(await bus.read(streamName('never-written')), []);

      await bus.delete(stream);
      assert.deepEqual(await bus.read(stream), []);
    });

    test('tails: replays after an offset, then follows live appends with no gap and no duplicate', async () => {
      const stream = streamName('tail');
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(await bus.append(stream, { i }));

      const controller = new AbortController();
      const seen: StreamEntry[] = [];
      const expectedCount = 15 + 30;
      const following = (async () => {
        for await (const item of bus.tail(stream, { after: ids[4], signal: controller.signal })) {
          seen.push(item);
          if (seen.length === expectedCount) controller.abort();
        }
      })();
      // Appends race the replay on purpose: the hand-over from stored to live entries is what is under test.
      for (let i = 20; i < 50; i++) {
        await bus.append(stream, { i });
        if (i % 5 === 0) await sleep(5);
      }
      await within(following, 15_000, 'the tail');

      assert.deepEqual(
        seen.map(({ entry }) => entry.i),
        Array.from({ length: expectedCount }, (_, index) => index + 5),
      );
      assert.deepEqual(seen, await bus.read(stream, { after: ids[4] }));
    });

    test('tails from the start when no offset is given', async () => {
      const stream = streamName('tail-start');
      await bus.append(stream, { i: 0 });
      await bus.append(stream, { i: 1 });
      const controller = new AbortController();
      const seen: unknown[] = [];
      const following = (async () => {
        for await (const { entry } of bus.tail(stream, { signal: controller.signal })) {
          seen.push(entry.i);
          if (seen.length === 3) controller.abort();
        }
      })();
      await eventually(() => assert.equal(seen.length, 2));
      await bus.append(stream, { i: 2 });
      await within(following, 10_000, 'the tail');
      assert.deepEqual(seen, [0, 1, 2]);
    });

    test('ends a waiting tail as soon as its signal aborts', async () => {
      const stream = streamName('tail-abort');
      const controller = new AbortController();
      const seen: StreamEntry[] = [];
      const following = (async () => {
        for await (const item of bus.tail(stream, { signal: controller.signal })) seen.push(item);
      })();
      await sleep(100);
      controller.abort();
      await within(following, 10_000, 'the aborted tail');
      assert.deepEqual(seen, []);
    });

    test('keeps a stream bounded and trims it on request', async () => {
      const stream = streamName('bounded');
      let last = '';
      for (let i = 0; i < 300; i++) last = await bus.append(stream, { i }, { maxLen: 50 });

      const kept = await bus.read(stream);
      // Redis trims whole internal nodes (MAXLEN ~), so it may keep more than asked, never fewer.
      assert.ok(kept.length >= 50 && kept.length < 300, `kept ${kept.length} entries`);
      if (kind === 'memory') assert.equal(kept.length, 50);
      assert.equal(kept.at(-1)?.id, last);
      assert.equal(kept.at(-1)?.entry.i, 299);

      await bus.trim(stream, 10);
      assert.deepEqual(
        (await bus.read(stream)).map(({ entry }) => entry.i),
        Array.from({ length: 10 }, (_, index) => 290 + index),
      );
    });
  });
}
