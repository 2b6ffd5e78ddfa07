import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type {
  StreamAppendOptions,
  Bus,
  StreamReadOptions,
  StreamEntry,
  StreamTailOptions,
  BusUnsubscribe,
} from './index.js';
import { DEFAULT_STREAM_MAX_LEN, STREAM_START } from './stream-id.js';

/** The one field each stream entry is stored under, so any JSON value round-trips exactly. */
const ENTRY_FIELD = 'json';
/** How long one XREAD blocks before the tail loop looks at its signal again. */
const TAIL_BLOCK_MS = 5_000;
const TAIL_BATCH = 500;

type RawEntry = [id: string, fields: string[]];

/** The handlers of one channel, and Redis's confirmation of the SUBSCRIBE they share. */
interface ChannelSubscription {
  handlers: Set<(message: unknown) => void>;
  confirmed: Promise<void>;
}

function decodeEntry([id, fields]: RawEntry): StreamEntry {
  const index = fields.indexOf(ENTRY_FIELD);
  const encoded = index >= 0 ? fields[index + 1] : undefined;
  return { id, entry: encoded === undefined ? {} : (JSON.parse(encoded) as Record<string, unknown>) };
}

/**
 * The bus over Redis: PUBLISH/SUBSCRIBE on a dedicated subscriber connection, and Redis Streams
 * where each `tail` blocks in XREAD on a connection of its own, closed when the tail ends.
 */
export class RedisBus implements Bus {
  private readonly redis: Redis;
  private subscriber?: Redis;
  private readonly channels = new Map<string, ChannelSubscription>();
  private readonly tailConnections = new Set<Redis>();
  private closed = false;

  constructor(
    url: string,
    private readonly logger: Logger,
  ) {
    this.redis = new Redis(url, { connectionName: 'aitip-bus' });
    this.redis.on('error', (error) => this.logger.warn({ err: error }, 'redis bus connection error'));
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.redis.publish(channel, JSON.stringify(message));
  }

  async subscribe(channel: string, handler: (message: unknown) => void): Promise<BusUnsubscribe> {
    const subscriber = this.subscriberConnection();
    const subscription = (message: unknown) => handler(message);
    let entry = this.channels.get(channel);
    if (!entry) {
      // Every subscriber of the channel waits for Redis to confirm, so a publish after this is seen.
      entry = { handlers: new Set(), confirmed: subscriber.subscribe(channel).then(() => undefined) };
      this.channels.set(channel, entry);
    }
    entry.handlers.add(subscription);
    const current = entry;
    try {
      await current.confirmed;
    } catch (error) {
      current.handlers.delete(subscription);
      if (this.channels.get(channel) === current) this.channels.delete(channel);
      throw error;
    }
    return async () => {
      current.handlers.delete(subscription);
      if (current.handlers.size > 0 || this.channels.get(channel) !== current) return;
      this.channels.delete(channel);
      if (!this.closed) await subscriber.unsubscribe(channel);
    };
  }

  async append(stream: string, entry: Record<string, unknown>, options: StreamAppendOptions = {}): Promise<string> {
    const maxLen = options.maxLen ?? DEFAULT_STREAM_MAX_LEN;
    const id = await this.redis.xadd(stream, 'MAXLEN', '~', maxLen, '*', ENTRY_FIELD, JSON.stringify(entry));
    if (id === null) throw new Error(`Redis did not append to stream "${stream}"`);
    return id;
  }

  async read(stream: string, options: StreamReadOptions = {}): Promise<StreamEntry[]> {
    const start = options.after === undefined ? '-' : `(${options.after}`;
    const raw =
      options.count === undefined
        ? await this.redis.xrange(stream, start, '+')
        : await this.redis.xrange(stream, start, '+', 'COUNT', options.count);
    return raw.map(decodeEntry);
  }

  async *tail(stream: string, options: StreamTailOptions = {}): AsyncIterable<StreamEntry> {
    const { signal } = options;
    if (signal?.aborted || this.closed) return;
    // A blocking read holds its connection, so each tail gets its own.
    const reader = this.redis.duplicate({ connectionName: 'aitip-bus-tail' });
    reader.on('error', (error) => this.logger.warn({ err: error, stream }, 'redis tail connection error'));
    this.tailConnections.add(reader);
    // Disconnecting fails the pending XREAD at once instead of waiting out the block.
    const stop = () => reader.disconnect();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      // XREAD returns entries strictly after the cursor: replay and live entries come from one loop.
      let cursor = options.after ?? STREAM_START;
      while (!signal?.aborted && !this.closed) {
        let reply: [string, RawEntry[]][] | null;
        try {
          reply = await reader.xread('COUNT', TAIL_BATCH, 'BLOCK', TAIL_BLOCK_MS, 'STREAMS', stream, cursor);
        } catch (error) {
          if (signal?.aborted || this.closed) return;
          throw error;
        }
        for (const raw of reply?.[0]?.[1] ?? []) {
          if (signal?.aborted || this.closed) return;
          const item = decodeEntry(raw);
          yield item;
          cursor = item.id;
        }
      }
    } finally {
      signal?.removeEventListener('abort', stop);
      this.tailConnections.delete(reader);
      reader.disconnect();
    }
  }

  async trim(stream: string, maxLen: number): Promise<void> {
    await this.redis.xtrim(stream, 'MAXLEN', maxLen);
  }

  async delete(stream: string): Promise<void> {
    await this.redis.del(stream);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    for (const reader of this.tailConnections) reader.disconnect();
    this.tailConnections.clear();
    await Promise.all([this.subscriber?.quit(), this.redis.quit()].filter((quit) => quit !== undefined));
  }

  private subscriberConnection(): Redis {
    if (this.closed) throw new Error('The bus is closed');
    if (!this.subscriber) {
      const subscriber = this.redis.duplicate({ connectionName: 'aitip-bus-subscriber' });
      subscriber.on('error', (error) => this.logger.warn({ err: error }, 'redis subscriber connection error'));
      subscriber.on('message', (channel: string, raw: string) => this.dispatch(channel, raw));
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  private dispatch(channel: string, raw: string): void {
    const handlers = this.channels.get(channel)?.handlers;
    if (!handlers) return;
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch (error) {
      this.logger.warn({ err: error, channel }, 'dropped a bus message that is not JSON');
      return;
    }
    for (const handler of handlers) {
      try {
        // Each handler gets its own copy, so one cannot change what the next one sees.
        handler(handlers.size === 1 ? message : JSON.parse(raw));
      } catch (error) {
        this.logger.error({ err: error, channel }, 'bus subscriber failed');
      }
    }
  }
}
