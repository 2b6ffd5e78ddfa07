import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../log.js';
import {
  CONSUMER_LOST_ERROR,
  describeFailure,
  inMessageScope,
  retryDelayMs,
  sleep,
  type ResolvedConsumeOptions,
} from './delivery.js';
import type { DomainEventMessage } from './index.js';
import type { AmqpSession } from './rabbitmq-connection.js';
import { readDelivery } from './rabbitmq-messages.js';

/** Where a message that will not be acknowledged as handled goes next. */
export type Forwarding = { to: 'dead-letters' } | { to: 'retry'; delayMs: number };

/** What a consumer needs from the queue that owns it. */
export interface ConsumerHost {
  currentSession(): AmqpSession | undefined;
  /** Publishes a copy of the message with its new attempt count, confirmed, on the given session. */
  forward(
    session: AmqpSession,
    queue: string,
    message: ConsumeMessage,
    failure: { attempts: number; error: string },
    forwarding: Forwarding,
  ): Promise<void>;
}

export interface ConsumerSpec {
  queue: string;
  options: ResolvedConsumeOptions;
  handler: (message: DomainEventMessage) => Promise<void>;
  /** Declares the queue (and bindings) the consumer reads, on every new connection. */
  declare: (session: AmqpSession) => Promise<void>;
}

const CHANNEL_RESTART_DELAY_MS = 1_000;

/**
 * One `consume` or `subscribeEvents` call: a channel of its own per connection, re-created after
 * reconnects. A message is acknowledged only after its handler resolved or a copy carrying the
 * failure was confirmed into the retry or dead-letter queue, so a crash at any point redelivers it.
 */
export class RabbitConsumer {
  private channel?: Channel;
  private consumerTag?: string;
  private startedFor?: AmqpSession;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly spec: ConsumerSpec,
    private readonly host: ConsumerHost,
    private readonly logger: Logger,
  ) {}

  /** Starts consuming on the session, unless already doing so there. */
  async start(session: AmqpSession): Promise<void> {
    if (this.stopped || session.closed || this.startedFor === session) return;
    this.startedFor = session;
    let channel: Channel | undefined;
    try {
      channel = await session.openChannel(`consumer ${this.spec.queue}`);
      const opened = channel;
      channel.once('close', () => this.channelClosed(session, opened));
      await this.spec.declare(session);
      await channel.prefetch(this.spec.options.prefetch);
      const { consumerTag } = await channel.consume(this.spec.queue, (message) => {
        if (message) this.track(this.handle(session, opened, message));
        // A null delivery means the broker cancelled us (the queue was deleted): start over.
        else void opened.close().catch(() => undefined);
      });
      this.channel = channel;
      this.consumerTag = consumerTag;
      if (this.stopped) await channel.close().catch(() => undefined);
    } catch (error) {
      if (this.startedFor === session) this.startedFor = undefined;
      await channel?.close().catch(() => undefined);
      throw error;
    }
  }

  /** Stops taking messages, waits for handlers in progress up to the drain timeout, then gives back the rest. */
  async stop(): Promise<void> {
    this.stopped = true;
    const { channel, consumerTag } = this;
    if (channel && consumerTag) await channel.cancel(consumerTag).catch(() => undefined);
    const drainTimeout = new AbortController();
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      sleep(this.spec.options.drainTimeoutMs, drainTimeout.signal),
    ]);
    drainTimeout.abort();
    // Closing the channel makes the broker redeliver whatever is still unacknowledged.
    await channel?.close().catch(() => undefined);
  }

  private channelClosed(session: AmqpSession, channel: Channel): void {
    if (this.channel === channel) {
      this.channel = undefined;
      this.consumerTag = undefined;
    }
    // A channel of an earlier connection closing says nothing about the current one.
    if (this.startedFor !== session) return;
    this.startedFor = undefined;
    if (this.stopped) return;
    // After a connection drop the reconnect restarts us; this covers a channel that died on its own.
    setTimeout(() => {
      const session = this.host.currentSession();
      if (session && !this.stopped) {
        void this.start(session).catch((error: unknown) =>
          this.logger.warn(
            { err: error, queue: this.spec.queue },
            'restarting a consumer failed; will retry on reconnect',
          ),
        );
      }
    }, CHANNEL_RESTART_DELAY_MS).unref();
  }

  private track(handling: Promise<void>): void {
    this.inFlight.add(handling);
    void handling.finally(() => this.inFlight.delete(handling));
  }

  private async handle(session: AmqpSession, channel: Channel, message: ConsumeMessage): Promise<void> {
    const { queue, options } = this.spec;
    const { id, requestId, routingKey, previousAttempts } = readDelivery(message);
    if (message.fields.redelivered) {
      // Its previous delivery ended without an acknowledgement (a consumer died): that counts as an attempt.
      // Sent on as a copy carrying the count, so a message that kills every consumer still ends in the DLQ.
      const attempts = previousAttempts + 1;
      const forwarding: Forwarding =
        attempts >= options.maxAttempts ? { to: 'dead-letters' } : { to: 'retry', delayMs: 0 };
      return this.forward(session, channel, message, { attempts, error: CONSUMER_LOST_ERROR }, forwarding);
    }
    const attempt = previousAttempts + 1;
    try {
      await inMessageScope({ id, requestId }, async () => {
        const payload: unknown = JSON.parse(message.content.toString('utf8'));
        await this.spec.handler({ id, requestId, payload, attempt, routingKey });
      });
    } catch (error) {
      const last = attempt >= options.maxAttempts;
      const log = { err: error, queue, messageId: id, requestId, attempt };
      if (last) this.logger.warn(log, 'message failed its last attempt; dead-lettered');
      else this.logger.info(log, 'message failed; will be retried');
      const forwarding: Forwarding = last
        ? { to: 'dead-letters' }
        : { to: 'retry', delayMs: retryDelayMs(options, attempt) };
      return this.forward(session, channel, message, { attempts: attempt, error: describeFailure(error) }, forwarding);
    }
    this.acknowledge(channel, message);
  }

  private async forward(
    session: AmqpSession,
    channel: Channel,
    message: ConsumeMessage,
    failure: { attempts: number; error: string },
    forwarding: Forwarding,
  ): Promise<void> {
    try {
      await this.host.forward(session, this.spec.queue, message, failure, forwarding);
    } catch (error) {
      // Not acknowledged: the broker keeps the message and delivers it again.
      this.logger.warn({ err: error, queue: this.spec.queue }, 'could not record a failed attempt; message goes back');
      try {
        channel.nack(message, false, true);
      } catch {
        // The channel is gone, which gives the message back just the same.
      }
      return;
    }
    this.acknowledge(channel, message);
  }

  private acknowledge(channel: Channel, message: ConsumeMessage): void {
    try {
      channel.ack(message);
    } catch (error) {
      // The channel closed while the handler ran; the broker redelivers the message.
      this.logger.warn(
        { err: error, queue: this.spec.queue },
        'could not acknowledge; the message will be redelivered',
      );
    }
  }
}
