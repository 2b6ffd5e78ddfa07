import { createInterface } from 'node:readline';
import type { PubSub } from 'type-graphql';
import type { BlobStore } from '../blob/index.js';
import type { Bus, StreamEntry } from '../bus/index.js';
import { compareStreamIds } from '../bus/stream-id.js';
import { InputError } from '../errors.js';

/*
 * Live feeds (job logs, metrics, audit events) are bus streams: bounded, replayable, and every entry has
 * an offset (`<ms>-<seq>`, strictly increasing). A subscriber that passes the offset of the last item it
 * received as `after` gets exactly the items that followed, even across a dropped connection or the
 * router moving it to another subgraph replica: the replay and the live tail come from one read loop
 * that always continues "after the last id delivered", so there is no gap and no duplicate. That only
 * works if every delivered item carries its offset, which is why stream payloads expose a `cursor`.
 */

/** How many entries one archive read takes from the bus. */
const ARCHIVE_BATCH = 1_000;
const STREAM_ID = /^\d{1,16}(-\d{1,16})?$/;

/** A stream entry's fields with its offset, which a client passes back as `after` to resume after it. */
export type StreamItem<T> = T & { cursor: string };

/** Checks a client-supplied offset, so a typo is an input error rather than a Redis error mid-subscription. */
export function parseStreamOffset(after: string | null | undefined, field = 'after'): string | undefined {
  if (after === null || after === undefined || after === '') return undefined;
  if (!STREAM_ID.test(after)) {
    throw new InputError(`"${after}" is not a stream cursor; pass the \`cursor\` of an item you received.`, {
      field,
    });
  }
  return after;
}

/**
 * Replays a stream's entries after `after`, then follows new ones. Unlike `bus.tail` on its own,
 * `return()` (a client unsubscribing) aborts a pending read at once, so no tail connection or
 * listener outlives the subscription.
 */
export function tailStream(bus: Bus, stream: string, after?: string): AsyncIterableIterator<StreamEntry> {
  const controller = new AbortController();
  const inner = bus.tail(stream, { after, signal: controller.signal })[Symbol.asyncIterator]();
  const stop = async (): Promise<void> => {
    controller.abort();
    // the pending next() settles once aborted; then the tail's finally releases its connection
    await inner.return?.();
  };
  return {
    next: () => inner.next(),
    async return() {
      await stop();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      await stop();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * The type-graphql PubSub of a subgraph whose subscriptions read bus streams: a subscription's topic is
 * the stream name and its `topicId` the offset to resume after, e.g.
 * `@Subscription(() => T, { topics: ({ context }) => streamOf(context), topicId: ({ args }) => args.after })`;
 * the resolver method receives each `StreamEntry` as its root. `bus` is undefined when the schema is built
 * only to be printed. Producers append with `bus.append`, not `publish`.
 */
export function streamPubSub(bus: Bus | undefined): PubSub {
  const requireBus = (): Bus => {
    if (!bus) throw new Error('This schema was built for printing only; it cannot serve subscriptions.');
    return bus;
  };
  return {
    publish() {
      // a fire-and-forget append would drop its failure; appending is the producer's awaited call
      throw new Error('Append to the stream with `await bus.append(stream, entry, { maxLen })` instead of publish.');
    },
    subscribe(stream: string, after?: unknown) {
      return tailStream(requireBus(), stream, parseStreamOffset(after as string | null | undefined));
    },
  };
}

/** Maps a stream entry to a payload that carries the entry's offset as `cursor`. */
export function streamItem<T>(entry: StreamEntry, map: (fields: Record<string, unknown>) => T): StreamItem<T> {
  return { ...map(entry.entry), cursor: entry.id };
}

/**
 * Writes every entry still in the bus stream to `key` in blob storage as JSON lines (`{"id","entry"}`), so a
 * finished stream can be replayed after the bus trimmed or deleted it. Returns how many entries were written.
 */
export async function archiveStream(bus: Bus, blob: BlobStore, stream: string, key: string): Promise<number> {
  const lines: string[] = [];
  let after: string | undefined;
  for (;;) {
    const batch = await bus.read(stream, { after, count: ARCHIVE_BATCH });
    for (const item of batch) lines.push(JSON.stringify({ id: item.id, entry: item.entry }));
    if (batch.length < ARCHIVE_BATCH) break;
    after = batch.at(-1)!.id;
  }
  await blob.put(key, lines.length ? `${lines.join('\n')}\n` : '', { contentType: 'application/x-ndjson' });
  return lines.length;
}

/** Reads an archived stream back from blob storage, entries strictly after `after` when given, in order. */
export async function* readArchivedStream(blob: BlobStore, key: string, after?: string): AsyncIterable<StreamEntry> {
  const from = parseStreamOffset(after);
  const lines = createInterface({ input: await blob.get(key), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (!line) continue;
      const item = JSON.parse(line) as StreamEntry;
      if (from === undefined || compareStreamIds(item.id, from) > 0) yield item;
    }
  } finally {
    lines.close();
  }
}
