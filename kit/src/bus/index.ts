import type { Logger } from '../log.js';
import { MemoryBus } from './memory.js';
import { RedisBus } from './redis.js';

export { compareStreamIds, DEFAULT_STREAM_MAX_LEN, STREAM_START } from './stream-id.js';
export { MemoryBus } from './memory.js';
export { RedisBus } from './redis.js';

/** One entry of a stream: its `<ms>-<seq>` id and the fields it was appended with. */
export interface StreamEntry {
  id: string;
  entry: Record<string, unknown>;
}

export interface StreamAppendOptions {
  /** Keep about this many newest entries (Redis trims approximately, never below it). */
  maxLen?: number;
}

export interface StreamReadOptions {
  /** Return entries strictly after this id; omitted reads from the start. */
  after?: string;
  /** Return at most this many entries. */
  count?: number;
}

export interface StreamTailOptions {
  /** Replay entries strictly after this id before following live ones; omitted replays everything. */
  after?: string;
  /** Ends the iteration when aborted. */
  signal?: AbortSignal;
}

/** Stops delivering a channel's messages to the handler it was returned for. */
export type BusUnsubscribe = () => Promise<void>;

/** Live events (pub/sub, at most once) and per-key streams (replayable, bounded) for logs, metrics and live feeds. */
export interface Bus {
  /** Publishes a JSON-encodable message to everyone subscribed to the channel right now. */
  publish(channel: string, message: unknown): Promise<void>;
  /** Calls the handler with each message published on the channel from now on. */
  subscribe(channel: string, handler: (message: unknown) => void): Promise<BusUnsubscribe>;
  /** Appends an entry to a stream and returns its id. */
  append(stream: string, entry: Record<string, unknown>, options?: StreamAppendOptions): Promise<string>;
  /** Reads stored entries in id order. */
  read(stream: string, options?: StreamReadOptions): Promise<StreamEntry[]>;
  /** Replays stored entries, then follows new ones with no gap and no duplicate until the signal aborts. */
  tail(stream: string, options?: StreamTailOptions): AsyncIterable<StreamEntry>;
  /** Drops all but the newest `maxLen` entries. */
  trim(stream: string, maxLen: number): Promise<void>;
  /** Removes a stream and all its entries. */
  delete(stream: string): Promise<void>;
  /** Resolves when the bus can serve requests (for /readyz). */
  ping(): Promise<void>;
  /** Ends subscriptions and tails and releases connections. */
  close(): Promise<void>;
}

export interface BusOptions {
  /** Redis connection URL; without one the bus lives in this process only. */
  redisUrl?: string;
  logger: Logger;
}

/** Creates the Redis-backed bus when a URL is configured, otherwise the in-process one. */
export function createBus({ redisUrl, logger }: BusOptions): Bus {
  return redisUrl ? new RedisBus(redisUrl, logger) : new MemoryBus(logger);
}
