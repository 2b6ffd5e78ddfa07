import { randomUUID } from 'node:crypto';
import { runInRequestScope } from '../request-scope.js';
import type { QueueConsumeOptions } from './index.js';

/** The topic exchange every domain event is published on. */
export const EVENTS_EXCHANGE = 'aitip.events';

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_PREFETCH = 10;
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
const MAX_BACKOFF_MS = 5 * 60_000;

/** The error recorded when a consumer died (or was stopped) with the message unacknowledged. */
export const CONSUMER_LOST_ERROR = 'the consumer stopped before acknowledging the message';

/** 1 s after the first failure, doubling, capped at 5 minutes. */
export function defaultBackoffMs(attempt: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS);
}

/** The durable queue a subscriber's events wait in. */
export function eventQueueName(subscriber: string): string {
  return `events.${subscriber}`;
}

/** Where messages of `queue` go after their last attempt. */
export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

export type ResolvedConsumeOptions = Required<QueueConsumeOptions>;

export function resolveConsumeOptions(options: QueueConsumeOptions = {}): ResolvedConsumeOptions {
  const resolved = {
    prefetch: options.prefetch ?? DEFAULT_PREFETCH,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    backoffMs: options.backoffMs ?? defaultBackoffMs,
    drainTimeoutMs: options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS,
  };
  if (!Number.isInteger(resolved.prefetch) || resolved.prefetch < 1)
    throw new Error('prefetch must be a positive integer');
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) {
    throw new Error('maxAttempts must be a positive integer');
  }
  return resolved;
}

/** The retry delay for a failed attempt, made a whole non-negative number of milliseconds. */
export function retryDelayMs(options: ResolvedConsumeOptions, attempt: number): number {
  const delay = Math.round(options.backoffMs(attempt));
  return Number.isFinite(delay) && delay > 0 ? delay : 0;
}

/**
 * Whether an AMQP topic pattern matches a routing key: words are separated by dots,
 * `*` stands for exactly one word and `#` for zero or more.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const patternWords = pattern.split('.');
  const keyWords = routingKey.split('.');
  const matchFrom = (p: number, k: number): boolean => {
    if (p === patternWords.length) return k === keyWords.length;
    const word = patternWords[p];
    if (word === '#') {
      for (let skip = k; skip <= keyWords.length; skip++) if (matchFrom(p + 1, skip)) return true;
      return false;
    }
    if (k === keyWords.length) return false;
    return (word === '*' || word === keyWords[k]) && matchFrom(p + 1, k + 1);
  };
  return matchFrom(0, 0);
}

/** What gets recorded about a failed attempt: the message, kept short enough for a header. */
export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
}

/** Runs a handler in the request scope of the message; messages sent outside a request use their own id. */
export function inMessageScope<T>(message: { id: string; requestId?: string }, fn: () => Promise<T>): Promise<T> {
  return runInRequestScope({ requestId: message.requestId ?? message.id }, fn);
}

/** A payload as it travels: JSON, with `undefined` sent as `null` (JSON has no undefined). */
export function encodePayload(payload: unknown): string {
  return JSON.stringify(payload ?? null);
}

export function newMessageId(): string {
  return randomUUID();
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
