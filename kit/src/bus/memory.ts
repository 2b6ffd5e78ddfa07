import type { Logger } from '../log.js';
import type {
  StreamAppendOptions,
  Bus,
  StreamReadOptions,
  StreamEntry,
  StreamTailOptions,
  BusUnsubscribe,
} from './index.js';
import { compareStreamIds, DEFAULT_STREAM_MAX_LEN, nextStreamId, STREAM_START } from './stream-id.js';

interface MemoryStream {
  entries: StreamEntry[];
  lastId?: string;
}

/** A JSON round trip, so in-process consumers see what they would see through Redis. */
function roundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The bus for a single process (tests, `aitip dev`): same semantics as Redis, nothing survives a restart. */
export class MemoryBus implements Bus {
  private readonly channels = new Map<string, Set<(message: unknown) => void>>();
  private readonly streams = new Map<string, MemoryStream>();
  /** Tails waiting for the next append (or for the bus to close). */
  private readonly waiters = new Map<string, Set<() => void>>();
  private closed = false;

  constructor(private readonly logger: Logger) {}

  async publish(channel: string, message: unknown): Promise<void> {
    this.assertOpen();
    const encoded = JSON.stringify(message);
    const handlers = this.channels.get(channel);
    if (!handlers) return;
    // Delivered on a later tick, as through Redis: a publisher never runs its subscribers' code inline.
    // Those subscribed at publish time get it, unless they unsubscribed in between.
    for (const handler of [...handlers]) {
      setImmediate(() => {
        if (!handlers.has(handler)) return;
        try {
          handler(JSON.parse(encoded));
        } catch (error) {
          this.logger.error({ err: error, channel }, 'bus subscriber failed');
        }
      });
    }
  }

  async subscribe(channel: string, handler: (message: unknown) => void): Promise<BusUnsubscribe> {
    this.assertOpen();
    // Wrapped so the same function subscribed twice is two subscriptions, as with Redis.
    const subscription = (message: unknown) => handler(message);
    const handlers = this.channels.get(channel) ?? new Set();
    handlers.add(subscription);
    this.channels.set(channel, handlers);
    return async () => {
      handlers.delete(subscription);
      if (handlers.size === 0 && this.channels.get(channel) === handlers) this.channels.delete(channel);
    };
  }

  async append(stream: string, entry: Record<string, unknown>, options: StreamAppendOptions = {}): Promise<string> {
    this.assertOpen();
    const state = this.streams.get(stream) ?? { entries: [] };
    this.streams.set(stream, state);
    const id = nextStreamId(state.lastId);
    state.lastId = id;
    state.entries.push({ id, entry: roundTrip(entry) });
    this.trimEntries(state, options.maxLen ?? DEFAULT_STREAM_MAX_LEN);
    this.wake(stream);
    return id;
  }

  async read(stream: string, options: StreamReadOptions = {}): Promise<StreamEntry[]> {
    this.assertOpen();
    const after = this.entriesAfter(stream, options.after ?? STREAM_START);
    return roundTrip(options.count === undefined ? after : after.slice(0, options.count));
  }

  async *tail(stream: string, options: StreamTailOptions = {}): AsyncIterable<StreamEntry> {
    const { signal } = options;
    let cursor = options.after ?? STREAM_START;
    while (!this.closed && !signal?.aborted) {
      // Always "after the last id yielded": whatever was appended meanwhile is picked up, nothing twice.
      const batch = this.entriesAfter(stream, cursor);
      if (batch.length === 0) {
        await this.nextAppend(stream, signal);
        continue;
      }
      for (const item of roundTrip(batch)) {
        if (this.closed || signal?.aborted) return;
        yield item;
        cursor = item.id;
      }
    }
  }

  async trim(stream: string, maxLen: number): Promise<void> {
    this.assertOpen();
    const state = this.streams.get(stream);
    if (state) this.trimEntries(state, maxLen);
  }

  async delete(stream: string): Promise<void> {
    this.assertOpen();
    this.streams.delete(stream);
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.channels.clear();
    for (const stream of this.waiters.keys()) this.wake(stream);
  }

  private entriesAfter(stream: string, after: string): StreamEntry[] {
    const entries = this.streams.get(stream)?.entries ?? [];
    // Entries are in id order: binary search for the first one after the cursor.
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareStreamIds(entries[middle]!.id, after) <= 0) low = middle + 1;
      else high = middle;
    }
    return entries.slice(low);
  }

  private trimEntries(state: MemoryStream, maxLen: number): void {
    if (state.entries.length > maxLen) state.entries.splice(0, state.entries.length - maxLen);
  }

  private nextAppend(stream: string, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.waiters.get(stream) ?? new Set();
      this.waiters.set(stream, waiters);
      const done = () => {
        waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wake(stream: string): void {
    const waiters = this.waiters.get(stream);
    if (!waiters) return;
    this.waiters.delete(stream);
    for (const done of waiters) done();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The bus is closed');
  }
}
