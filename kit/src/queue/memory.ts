import type { Logger } from '../log.js';
import { currentRequestId } from '../request-scope.js';
import {
  CONSUMER_LOST_ERROR,
  deadLetterQueueName,
  describeFailure,
  encodePayload,
  eventQueueName,
  inMessageScope,
  newMessageId,
  resolveConsumeOptions,
  retryDelayMs,
  sleep,
  topicMatches,
  type ResolvedConsumeOptions,
} from './delivery.js';
import type {
  DeadLetter,
  DomainEventMessage,
  Queue,
  QueueConsumeOptions,
  QueueConsumer,
  QueueMessage,
  QueueSendOptions,
} from './index.js';

/** A message as the in-process broker holds it: payload kept JSON-encoded, like on the wire. */
interface StoredMessage {
  id: string;
  body: string;
  requestId?: string;
  routingKey?: string;
  /** Attempts already made. */
  attempts: number;
  lastError?: string;
  /** Given back by a consumer that never acknowledged it. */
  redelivered: boolean;
}

/** One hand-over of a message to a consumer; abandoned once the message was given back. */
interface Delivery {
  message: StoredMessage;
  settled: Promise<void>;
  abandoned: boolean;
}

interface MemoryConsumer {
  queue: string;
  handler: (message: DomainEventMessage) => Promise<void>;
  options: ResolvedConsumeOptions;
  inFlight: Set<Delivery>;
}

/**
 * The queue for a single process (tests, `aitip dev`): the same acknowledgement, retry,
 * dead-letter and topic-routing semantics as RabbitMQ, nothing survives a restart.
 */
export class MemoryQueue implements Queue {
  private readonly ready = new Map<string, StoredMessage[]>();
  private readonly consumers = new Map<string, MemoryConsumer[]>();
  private readonly bindings = new Map<string, Set<string>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<QueueConsumer>();
  private closed = false;

  constructor(private readonly logger: Logger) {}

  async send(queue: string, payload: unknown, options: QueueSendOptions = {}): Promise<void> {
    this.assertOpen();
    const message: StoredMessage = {
      id: newMessageId(),
      body: encodePayload(payload),
      requestId: options.requestId ?? currentRequestId(),
      attempts: 0,
      redelivered: false,
    };
    this.enqueueLater(queue, message, options.delayMs ?? 0);
  }

  async consume(
    queue: string,
    handler: (message: QueueMessage) => Promise<void>,
    options?: QueueConsumeOptions,
  ): Promise<QueueConsumer> {
    this.assertOpen();
    const consumer: MemoryConsumer = { queue, handler, options: resolveConsumeOptions(options), inFlight: new Set() };
    this.consumers.set(queue, [...(this.consumers.get(queue) ?? []), consumer]);
    let stopping: Promise<void> | undefined;
    const handle: QueueConsumer = { stop: () => (stopping ??= this.stopConsumer(consumer, handle)) };
    this.running.add(handle);
    this.pump(queue);
    return handle;
  }

  async deadLetters(queue: string): Promise<DeadLetter[]> {
    return (this.ready.get(deadLetterQueueName(queue)) ?? []).map((message) => ({
      id: message.id,
      payload: JSON.parse(message.body),
      error: message.lastError ?? '',
      attempts: message.attempts,
      requestId: message.requestId,
    }));
  }

  async requeueDeadLetters(queue: string): Promise<number> {
    this.assertOpen();
    const dlq = deadLetterQueueName(queue);
    const dead = this.ready.get(dlq) ?? [];
    this.ready.delete(dlq);
    for (const message of dead) {
      this.enqueue(queue, { ...message, attempts: 0, lastError: undefined, redelivered: false });
    }
    return dead.length;
  }

  async publishEvent(routingKey: string, payload: unknown, options: { requestId?: string } = {}): Promise<void> {
    this.assertOpen();
    const id = newMessageId();
    const requestId = options.requestId ?? currentRequestId();
    for (const [queue, patterns] of this.bindings) {
      if (![...patterns].some((pattern) => topicMatches(pattern, routingKey))) continue;
      this.enqueue(queue, {
        id,
        body: encodePayload(payload),
        requestId,
        routingKey,
        attempts: 0,
        redelivered: false,
      });
    }
  }

  async subscribeEvents(
    subscriber: string,
    patterns: string[],
    handler: (message: DomainEventMessage) => Promise<void>,
    options?: QueueConsumeOptions,
  ): Promise<QueueConsumer> {
    const queue = eventQueueName(subscriber);
    const bound = this.bindings.get(queue) ?? new Set();
    for (const pattern of patterns) bound.add(pattern);
    this.bindings.set(queue, bound);
    return this.consume(queue, (message) => handler(message as DomainEventMessage), options);
  }

  async deleteQueue(queue: string): Promise<void> {
    this.ready.delete(queue);
    this.ready.delete(deadLetterQueueName(queue));
    this.bindings.delete(queue);
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.running].map((consumer) => consumer.stop()));
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private enqueueLater(queue: string, message: StoredMessage, delayMs: number): void {
    if (delayMs <= 0) return this.enqueue(queue, message);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(queue, message);
    }, delayMs);
    this.timers.add(timer);
  }

  private enqueue(queue: string, message: StoredMessage, atFront = false): void {
    const messages = this.ready.get(queue) ?? [];
    if (atFront) messages.unshift(message);
    else messages.push(message);
    this.ready.set(queue, messages);
    this.pump(queue);
  }

  /** Hands ready messages to consumers with room, round-robin, as a broker with prefetch does. */
  private pump(queue: string): void {
    const messages = this.ready.get(queue);
    const consumers = this.consumers.get(queue) ?? [];
    while (messages && messages.length > 0) {
      const consumer = consumers.find((candidate) => candidate.inFlight.size < candidate.options.prefetch);
      if (!consumer) return;
      // Rotate so the next message goes to the next consumer.
      consumers.splice(consumers.indexOf(consumer), 1);
      consumers.push(consumer);
      this.deliver(consumer, messages.shift()!);
    }
  }

  private deliver(consumer: MemoryConsumer, message: StoredMessage): void {
    if (message.redelivered) {
      // The previous delivery died unacknowledged: that was an attempt too.
      message.redelivered = false;
      message.attempts += 1;
      message.lastError = CONSUMER_LOST_ERROR;
      if (message.attempts >= consumer.options.maxAttempts)
        return this.enqueue(deadLetterQueueName(consumer.queue), message);
    }
    const attempt = message.attempts + 1;
    const delivery: Delivery = { message, abandoned: false, settled: Promise.resolve() };
    const received: DomainEventMessage = {
      id: message.id,
      payload: JSON.parse(message.body),
      attempt,
      requestId: message.requestId,
      routingKey: message.routingKey ?? consumer.queue,
    };
    delivery.settled = inMessageScope(message, () => consumer.handler(received)).then(
      () => this.settle(consumer, delivery, attempt),
      (error: unknown) => this.settle(consumer, delivery, attempt, error),
    );
    consumer.inFlight.add(delivery);
  }

  private settle(consumer: MemoryConsumer, delivery: Delivery, attempt: number, error?: unknown): void {
    // A message given back on stop belongs to its next delivery now.
    if (delivery.abandoned) return;
    consumer.inFlight.delete(delivery);
    if (error !== undefined) {
      const { message } = delivery;
      message.attempts = attempt;
      message.lastError = describeFailure(error);
      if (attempt >= consumer.options.maxAttempts) {
        this.logger.warn(
          { queue: consumer.queue, messageId: message.id, attempt, err: error },
          'message dead-lettered',
        );
        this.enqueue(deadLetterQueueName(consumer.queue), message);
      } else {
        this.logger.info(
          { queue: consumer.queue, messageId: message.id, attempt, err: error },
          'message will be retried',
        );
        this.enqueueLater(consumer.queue, message, retryDelayMs(consumer.options, attempt));
      }
    }
    this.pump(consumer.queue);
  }

  private async stopConsumer(consumer: MemoryConsumer, handle: QueueConsumer): Promise<void> {
    const others = (this.consumers.get(consumer.queue) ?? []).filter((candidate) => candidate !== consumer);
    this.consumers.set(consumer.queue, others);
    const drained = Promise.all([...consumer.inFlight].map((delivery) => delivery.settled));
    const drainTimeout = new AbortController();
    await Promise.race([drained, sleep(consumer.options.drainTimeoutMs, drainTimeout.signal)]);
    drainTimeout.abort();
    // Like a closed channel: unacknowledged messages go back to the front of the queue, marked redelivered.
    for (const delivery of [...consumer.inFlight].reverse()) {
      delivery.abandoned = true;
      delivery.message.redelivered = true;
      this.enqueue(consumer.queue, delivery.message, true);
    }
    consumer.inFlight.clear();
    this.running.delete(handle);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The queue is closed');
  }
}
