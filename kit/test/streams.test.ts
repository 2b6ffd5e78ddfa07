import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LocalBlobStore } from '../src/blob/index.js';
import { createBus, type Bus, type StreamEntry } from '../src/bus/index.js';
import { InputError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import {
  archiveStream,
  parseStreamOffset,
  readArchivedStream,
  streamItem,
  streamPubSub,
  tailStream,
} from '../src/streams/index.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger('streams-test', process.env.LOG_LEVEL ?? 'silent');
const run = randomBytes(4).toString('hex');

/** Fails when a promise that should settle promptly (an unsubscribe) hangs; generous, not a timing assertion. */
async function within<T>(promise: Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
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

async function take(iterator: AsyncIterator<StreamEntry>, count: number): Promise<StreamEntry[]> {
  const items: StreamEntry[] = [];
  while (items.length < count) {
    const next = await within(iterator.next(), `item ${items.length + 1} of ${count}`);
    assert.equal(next.done, false, 'the tail ended early');
    items.push(next.value);
  }
  return items;
}

/** What the bus still holds for running tails: tail connections (Redis) or append waiters (memory). */
function openTails(bus: Bus): number {
  const internals = bus as unknown as { tailConnections?: Set<unknown>; waiters?: Map<string, Set<unknown>> };
  if (internals.tailConnections) return internals.tailConnections.size;
  return [...(internals.waiters?.values() ?? [])].reduce((sum, waiters) => sum + waiters.size, 0);
}

test('stream offsets are checked before they reach the bus', () => {
  assert.equal(parseStreamOffset(undefined), undefined);
  assert.equal(parseStreamOffset(null), undefined);
  assert.equal(parseStreamOffset('1700000000000-3'), '1700000000000-3');
  assert.throws(() => parseStreamOffset('latest'), InputError);
  assert.throws(() => parseStreamOffset('1-2-3'), InputError);
});

for (const kind of ['redis', 'memory'] as const) {
  describe(`streams on the ${kind} bus`, () => {
    let bus: Bus;
    let blobDir: string;
    let blob: LocalBlobStore;
    const streams: string[] = [];
    const streamName = (label: string) => {
      const name = `test:${run}:${kind}:streams:${label}`;
      streams.push(name);
      return name;
    };

    before(
      async () => {
        bus = createBus({ redisUrl: kind === 'redis' ? REDIS_URL : undefined, logger });
        await bus.ping();
        blobDir = mkdtempSync(join(tmpdir(), 'aitip-streams-test-'));
        blob = new LocalBlobStore({
          dir: blobDir,
          publicBaseUrl: 'http://aitip.test',
          signingSecret: 'streams-test',
          logger,
        });
        await blob.ensureReady();
      },
      { timeout: 15_000 },
    );

    after(async () => {
      for (const stream of streams) await bus.delete(stream);
      await bus.close();
      rmSync(blobDir, { recursive: true, force: true });
    });

    test('replays the entries after an offset, then follows live ones with no gap or duplicate', async () => {
      const stream = streamName('resume');
      const ids: string[] = [];
      for (const step of [1, 2, 3]) ids.push(await bus.append(stream, { step }));

      const tail = tailStream(bus, stream, ids[0]);
      const replayed = await take(tail, 2);
      assert.deepEqual(
        replayed.map((item) => item.entry),
        [{ step: 2 }, { step: 3 }],
      );
      const pending = take(tail, 2);
      ids.push(await bus.append(stream, { step: 4 }));
      ids.push(await bus.append(stream, { step: 5 }));
      const live = await pending;
      assert.deepEqual(
        [...replayed, ...live].map((item) => item.id),
        ids.slice(1),
      );
      await tail.return!();

      // resuming from the last delivered offset gets exactly what came after it
      const resumed = tailStream(bus, stream, live[0]!.id);
      assert.deepEqual(
        (await take(resumed, 1)).map((item) => item.entry),
        [{ step: 5 }],
      );
      await resumed.return!();
    });

    test('unsubscribing ends a tail waiting for entries and releases it', async () => {
      const stream = streamName('unsubscribe');
      const tail = tailStream(bus, stream);
      const waiting = tail.next();
      // the tail is blocked on an empty stream; return() must not wait for an append
      await within(tail.return!(), 'return()');
      assert.deepEqual(await within(waiting, 'the pending next()'), { done: true, value: undefined });
      assert.equal(openTails(bus), 0);
      assert.equal((await tail.next()).done, true);
    });

    test('the type-graphql PubSub tails the topic stream after the topic id', async () => {
      const stream = streamName('pubsub');
      const first = await bus.append(stream, { n: 1 });
      await bus.append(stream, { n: 2 });
      const pubSub = streamPubSub(bus);
      const iterator = pubSub.subscribe(stream, first)[Symbol.asyncIterator]() as AsyncIterator<StreamEntry>;
      const [entry] = await take(iterator, 1);
      assert.deepEqual(
        streamItem(entry!, (fields) => ({ n: fields['n'] as number })),
        { n: 2, cursor: entry!.id },
      );
      await iterator.return!();
      assert.throws(() => pubSub.subscribe(stream, 'not-a-cursor'), InputError);
      assert.throws(() => streamPubSub(undefined).subscribe(stream), /printing only/);
      assert.equal(openTails(bus), 0);
    });

    test('an archived stream reads back from blob storage after the bus dropped it', async () => {
      const stream = streamName('archive');
      const ids: string[] = [];
      for (let step = 0; step < 1_205; step++) ids.push(await bus.append(stream, { step, text: `line ${step}` }));
      const key = `streams/${run}/${kind}.jsonl`;
      assert.equal(await archiveStream(bus, blob, stream, key), 1_205);
      await bus.delete(stream);
      assert.deepEqual(await bus.read(stream), []);

      const all: StreamEntry[] = [];
      for await (const item of readArchivedStream(blob, key)) all.push(item);
      assert.deepEqual(
        all.map((item) => item.id),
        ids,
      );
      assert.deepEqual(all[1_204]!.entry, { step: 1_204, text: 'line 1204' });

      const later: StreamEntry[] = [];
      for await (const item of readArchivedStream(blob, key, ids[1_199])) later.push(item);
      assert.deepEqual(
        later.map((item) => item.entry['step']),
        [1_200, 1_201, 1_202, 1_203, 1_204],
      );

      const empty = streamName('archive-empty');
      assert.equal(await archiveStream(bus, blob, empty, `streams/${run}/${kind}-empty.jsonl`), 0);
      const none: StreamEntry[] = [];
      for await (const item of readArchivedStream(blob, `streams/${run}/${kind}-empty.jsonl`)) none.push(item);
      assert.deepEqual(none, []);
    });
  });
}
