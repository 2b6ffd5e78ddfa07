import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../log.js';
import {
  deadLetterQueueName,
  encodePayload,
  eventQueueName,
  EVENTS_EXCHANGE,
  resolveConsumeOptions,
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
import { AmqpConnection, type AmqpSession } from './rabbitmq-connection.js';
import { EVENT_KEY_HEADER, newMessageProperties, nextHopProperties, toDeadLetter } from './rabbitmq-messages.js';
import { RabbitConsumer, type ConsumerHost, type ConsumerSpec, type Forwarding } from './rabbitmq-consumer.js';

export interface RabbitQueueOptions {
  url: string;
  logger: Logger;
  /** How long `send`, `publishEvent` and `consume` wait for the broker during an outage (default 30 s). */
  unavailableTimeoutMs?: number;
  /** First and longest pause between reconnect attempts (default 100 ms and 5 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Shown in the RabbitMQ management UI (default `aitip`). */
  connectionName?: string;
}

/** The queue that holds a retry for `delayMs` before dead-lettering it back to `queue`. */
function delayQueueName(queue: string, delayMs: number): string {
  return `${queue}.delay.${delayMs}`;
}

/**
 * Queues on RabbitMQ. Topology per work queue `q`: the durable queue `q`; `q.dlq` for messages that
 * used up their attempts (last error in the `x-last-error` header); and `q.delay.<ms>`, one per
 * back-off delay, whose queue-wide TTL dead-letters each retry back to `q` when its delay is over
 * (one TTL per queue, so a long delay never holds up a short one behind it).
 */
export class RabbitQueue implements Queue, ConsumerHost {
  private readonly connection: AmqpConnection;
  private readonly consumers = new Set<RabbitConsumer>();
  private readonly delayQueues = new Map<string, Set<string>>();
  private readonly logger: Logger;
  private readonly unavailableTimeoutMs: number;

  constructor(options: RabbitQueueOptions) {
    this.logger = options.logger;
    this.unavailableTimeoutMs = options.unavailableTimeoutMs ?? 30_000;
    this.connection = new AmqpConnection({
      url: options.url,
      logger: options.logger,
      connectionName: options.connectionName ?? 'aitip',
      reconnectMinMs: options.reconnectMinMs ?? 100,
      reconnectMaxMs: options.reconnectMaxMs ?? 5_000,
      onConnected: (session) => this.restoreConsumers(session),
    });
    this.connection.start();
  }

  async send(queue: string, payload: unknown, options: QueueSendOptions = {}): Promise<void> {
    const content = Buffer.from(encodePayload(payload));
    const properties = newMessageProperties(options.requestId);
    const delayMs = Math.max(0, Math.round(options.delayMs ?? 0));
    await this.publishConfirmed(`sending to "${queue}"`, async (session) => {
      await this.declareWorkQueue(session, queue);
      const target = delayMs > 0 ? await this.declareDelayQueue(session, queue, delayMs) : queue;
      await session.publish('', target, content, properties);
    });
  }

  async consume(
    queue: string,
    handler: (message: QueueMessage) => Promise<void>,
    options?: QueueConsumeOptions,
  ): Promise<QueueConsumer> {
    return this.startConsumer({
      queue,
      options: resolveConsumeOptions(options),
      handler,
      declare: (session) => this.declareWorkQueue(session, queue),
    });
  }

  async deadLetters(queue: string): Promise<DeadLetter[]> {
    return this.withChannel(`reading the dead letters of "${queue}"`, async (session, channel) => {
      await this.declareWorkQueue(session, queue);
      const letters: DeadLetter[] = [];
      // Fetched without acknowledging: closing the channel puts every one back, in order.
      for (;;) {
        const message = await channel.get(deadLetterQueueName(queue), { noAck: false });
        if (!message) return letters;
        letters.push(toDeadLetter(message));
      }
    });
  }

  async requeueDeadLetters(queue: string): Promise<number> {
    return this.withChannel(`requeueing the dead letters of "${queue}"`, async (session, channel) => {
      await this.declareWorkQueue(session, queue);
      const { messageCount } = await channel.checkQueue(deadLetterQueueName(queue));
      let moved = 0;
      // Bounded by the count at the start, so letters that die again meanwhile are not cycled forever.
      while (moved < messageCount) {
        const message = await channel.get(deadLetterQueueName(queue), { noAck: false });
        if (!message) break;
        await session.publish('', queue, message.content, nextHopProperties(message, { attempts: 0 }));
        channel.ack(message);
        moved += 1;
      }
      return moved;
    });
  }

  async publishEvent(routingKey: string, payload: unknown, options: { requestId?: string } = {}): Promise<void> {
    const content = Buffer.from(encodePayload(payload));
    const properties = newMessageProperties(options.requestId, { [EVENT_KEY_HEADER]: routingKey });
    await this.publishConfirmed(`publishing event "${routingKey}"`, async (session) => {
      await this.declareEventsExchange(session);
      await session.publish(EVENTS_EXCHANGE, routingKey, content, properties);
    });
  }

  async subscribeEvents(
    subscriber: string,
    patterns: string[],
    handler: (message: DomainEventMessage) => Promise<void>,
    options?: QueueConsumeOptions,
  ): Promise<QueueConsumer> {
    const queue = eventQueueName(subscriber);
    return this.startConsumer({
      queue,
      options: resolveConsumeOptions(options),
      handler,
      declare: async (session) => {
        await this.declareEventsExchange(session);
        await this.declareWorkQueue(session, queue);
        for (const pattern of patterns) {
          await session.declareOnce(`binding:${queue}:${pattern}`, (channel) =>
            channel.bindQueue(queue, EVENTS_EXCHANGE, pattern),
          );
        }
      },
    });
  }

  async deleteQueue(queue: string): Promise<void> {
    const session = await this.connection.ready(this.unavailableTimeoutMs, `deleting "${queue}"`);
    const channel = await session.admin();
    const names = [queue, deadLetterQueueName(queue), ...(this.delayQueues.get(queue) ?? [])];
    for (const name of names) await channel.deleteQueue(name);
    this.delayQueues.delete(queue);
    session.forget(`queue:${queue}`);
    session.forget(`binding:${queue}:`);
  }

  async ping(): Promise<void> {
    const session = await this.connection.ready(Math.min(2_000, this.unavailableTimeoutMs), 'answering a ping');
    // A round trip, so a half-open connection does not pass for a live one.
    await this.declareEventsExchange(session);
    const channel = await session.admin();
    await channel.checkExchange(EVENTS_EXCHANGE);
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    this.consumers.clear();
    await this.connection.close();
  }

  currentSession(): AmqpSession | undefined {
    return this.connection.current();
  }

  async forward(
    session: AmqpSession,
    queue: string,
    message: ConsumeMessage,
    failure: { attempts: number; error: string },
    forwarding: Forwarding,
  ): Promise<void> {
    const properties = nextHopProperties(message, failure);
    if (forwarding.to === 'dead-letters') {
      await this.declareWorkQueue(session, queue);
      return session.publish('', deadLetterQueueName(queue), message.content, properties);
    }
    const target = forwarding.delayMs > 0 ? await this.declareDelayQueue(session, queue, forwarding.delayMs) : queue;
    await session.publish('', target, message.content, properties);
  }

  private async startConsumer(spec: ConsumerSpec): Promise<QueueConsumer> {
    const consumer = new RabbitConsumer(spec, this, this.logger);
    this.consumers.add(consumer);
    const session = await this.connection
      .ready(this.unavailableTimeoutMs, `consuming "${spec.queue}"`)
      .catch((error) => {
        this.consumers.delete(consumer);
        throw error;
      });
    try {
      await consumer.start(session);
    } catch (error) {
      // If the connection dropped meanwhile, the reconnect starts the consumer; anything else is the caller's.
      if (!session.closed) {
        this.consumers.delete(consumer);
        throw error;
      }
    }
    return {
      stop: async () => {
        await consumer.stop();
        this.consumers.delete(consumer);
      },
    };
  }

  private async restoreConsumers(session: AmqpSession): Promise<void> {
    await Promise.all(
      [...this.consumers].map((consumer) =>
        consumer
          .start(session)
          .catch((error: unknown) => this.logger.error({ err: error }, 'could not restore a consumer')),
      ),
    );
  }

  /** Publishes on the live connection; if it drops before the broker confirmed, publishes again after the reconnect. */
  private async publishConfirmed(purpose: string, publish: (session: AmqpSession) => Promise<void>): Promise<void> {
    const deadline = Date.now() + this.unavailableTimeoutMs;
    for (;;) {
      const session = await this.connection.ready(Math.max(0, deadline - Date.now()), purpose);
      try {
        return await publish(session);
      } catch (error) {
        // Let the close events land, so a dropped connection is told apart from a broker refusal.
        await new Promise((resolve) => setImmediate(resolve));
        if (!session.closed) throw error;
        this.logger.warn({ err: error }, `connection dropped while ${purpose}; trying again`);
      }
    }
  }

  private async withChannel<T>(
    purpose: string,
    use: (session: AmqpSession, channel: Channel) => Promise<T>,
  ): Promise<T> {
    const session = await this.connection.ready(this.unavailableTimeoutMs, purpose);
    const channel = await session.openChannel(purpose);
    try {
      return await use(session, channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private declareWorkQueue(session: AmqpSession, queue: string): Promise<void> {
    return session.declareOnce(`queue:${queue}`, async (channel) => {
      await channel.assertQueue(queue, { durable: true });
      await channel.assertQueue(deadLetterQueueName(queue), { durable: true });
    });
  }

  private declareEventsExchange(session: AmqpSession): Promise<void> {
    return session.declareOnce('exchange', (channel) =>
      channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true }),
    );
  }

  /**
   * Declared on every use, not once: the queue expires after sitting unused (never declared again)
   * for twice its delay plus a minute, which is always after its last message has moved on.
   */
  private async declareDelayQueue(session: AmqpSession, queue: string, delayMs: number): Promise<string> {
    const name = delayQueueName(queue, delayMs);
    const channel = await session.admin();
    await channel.assertQueue(name, {
      durable: true,
      arguments: {
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queue,
        'x-expires': delayMs * 2 + 60_000,
      },
    });
    const known = this.delayQueues.get(queue) ?? new Set();
    known.add(name);
    this.delayQueues.set(queue, known);
    return name;
  }
}
