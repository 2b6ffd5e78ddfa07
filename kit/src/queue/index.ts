import type { Logger } from '../log.js';
import { MemoryQueue } from './memory.js';
import { RabbitQueue } from './rabbitmq.js';

export {
  deadLetterQueueName,
  defaultBackoffMs,
  DEFAULT_MAX_ATTEMPTS,
  eventQueueName,
  EVENTS_EXCHANGE,
  topicMatches,
} from './delivery.js';
export { MemoryQueue } from './memory.js';
export { RabbitQueue, type RabbitQueueOptions } from './rabbitmq.js';
export { QueueUnavailableError } from './rabbitmq-connection.js';

/** One delivery of a message to a consumer. */
export interface QueueMessage {
  /** Stays the same across retries and redeliveries, so handlers can deduplicate. */
  id: string;
  payload: unknown;
  /** 1 on the first delivery; counts failed attempts and consumers that died before acknowledging. */
  attempt: number;
  /** The id of the request that sent the message. */
  requestId?: string;
}

/** A domain event delivered to a subscriber. */
export interface DomainEventMessage extends QueueMessage {
  /** The event's routing key, e.g. `training.job.succeeded`. */
  routingKey: string;
}

export interface QueueSendOptions {
  /** Defaults to the current request's id. */
  requestId?: string;
  /** Deliver no sooner than this many milliseconds from now. */
  delayMs?: number;
}

export interface QueueConsumeOptions {
  /** How many messages this consumer handles at once (default 10). */
  prefetch?: number;
  /** After this many attempts a message goes to the dead-letter queue (default 5). */
  maxAttempts?: number;
  /** Delay before retrying after failed attempt number `attempt` (default 1 s doubling, capped at 5 min). */
  backoffMs?: (attempt: number) => number;
  /** How long `stop()` waits for handlers in progress before giving their messages back (default 30 s). */
  drainTimeoutMs?: number;
}

/** A running consumer. */
export interface QueueConsumer {
  /** Stops taking messages, lets handlers in progress finish (up to the drain timeout) and gives back the rest. */
  stop(): Promise<void>;
}

/** A message that exhausted its attempts, as kept in `<queue>.dlq`. */
export interface DeadLetter {
  id: string;
  payload: unknown;
  /** The error of the last attempt. */
  error: string;
  attempts: number;
  requestId?: string;
}

/** Durable work queues with retries and dead letters, and domain events on the `aitip.events` topic exchange. */
export interface Queue {
  /** Sends a persistent message; resolves once the broker has it. */
  send(queue: string, payload: unknown, options?: QueueSendOptions): Promise<void>;
  /** Handles the queue's messages; a message is acknowledged only after its handler resolves. */
  consume(
    queue: string,
    handler: (message: QueueMessage) => Promise<void>,
    options?: QueueConsumeOptions,
  ): Promise<QueueConsumer>;
  /** Lists the queue's dead letters without removing them. */
  deadLetters(queue: string): Promise<DeadLetter[]>;
  /** Moves the queue's dead letters back to it with fresh attempts; returns how many moved. */
  requeueDeadLetters(queue: string): Promise<number>;
  /** Publishes a domain event; resolves once the broker has it. */
  publishEvent(routingKey: string, payload: unknown, options?: { requestId?: string }): Promise<void>;
  /**
   * Handles the events whose routing key matches one of the patterns (`*` one word, `#` any number),
   * through the durable queue `events.<subscriber>`, with the same retries and dead letters as `consume`.
   */
  subscribeEvents(
    subscriber: string,
    patterns: string[],
    handler: (message: DomainEventMessage) => Promise<void>,
    options?: QueueConsumeOptions,
  ): Promise<QueueConsumer>;
  /** Deletes a queue with its dead letters and pending retries. */
  deleteQueue(queue: string): Promise<void>;
  /** Resolves when the broker is reachable (for /readyz). */
  ping(): Promise<void>;
  /** Stops every consumer (draining) and disconnects. */
  close(): Promise<void>;
}

export interface QueueFactoryOptions {
  /** RabbitMQ URL; without one the queue lives in this process only. */
  amqpUrl?: string;
  logger: Logger;
}

/** Creates the RabbitMQ-backed queue when a URL is configured, otherwise the in-process one. */
export function createQueue({ amqpUrl, logger }: QueueFactoryOptions): Queue {
  return amqpUrl ? new RabbitQueue({ url: amqpUrl, logger }) : new MemoryQueue(logger);
}
