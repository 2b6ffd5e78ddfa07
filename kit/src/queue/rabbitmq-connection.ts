import { connect, type Channel, type ChannelModel, type ConfirmChannel, type Options } from 'amqplib';
import type { Logger } from '../log.js';
import { sleep } from './delivery.js';

/** RabbitMQ stayed unreachable for longer than the caller was willing to wait. */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured AMQP_URL';
  }
}

/** One live connection with its confirming publisher; the whole session is replaced when the connection drops. */
export class AmqpSession {
  /** Set as soon as the connection or its publisher closed; nothing may be started on it any more. */
  closed = false;
  private adminChannel?: Promise<Channel>;
  private readonly declared = new Map<string, Promise<void>>();

  constructor(
    readonly model: ChannelModel,
    private readonly publisher: ConfirmChannel,
    private readonly logger: Logger,
  ) {}

  /** Publishes and resolves once the broker confirmed the message (persisted, for durable queues). */
  publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.publisher.publish(exchange, routingKey, content, options, (error: unknown) =>
          error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
        );
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** A plain channel for declarations and deletions; a channel error closes it and the next call opens another. */
  admin(): Promise<Channel> {
    if (!this.adminChannel) {
      const opening = this.openChannel('admin');
      this.adminChannel = opening;
      void opening.then(
        (channel) => channel.once('close', () => this.adminChannel === opening && (this.adminChannel = undefined)),
        () => this.adminChannel === opening && (this.adminChannel = undefined),
      );
    }
    return this.adminChannel;
  }

  /** Opens a channel that logs its errors instead of crashing the process. */
  async openChannel(purpose: string): Promise<Channel> {
    const channel = await this.model.createChannel();
    channel.on('error', (error: unknown) =>
      this.logger.warn({ err: error, purpose }, 'RabbitMQ channel closed by an error'),
    );
    return channel;
  }

  /** Runs a declaration once per connection (topology is re-declared after every reconnect). */
  declareOnce(key: string, declare: (channel: Channel) => Promise<unknown>): Promise<void> {
    let declared = this.declared.get(key);
    if (!declared) {
      declared = this.admin().then(async (channel) => {
        await declare(channel);
      });
      this.declared.set(key, declared);
      void declared.catch(() => this.declared.delete(key));
    }
    return declared;
  }

  /** Forgets declarations, e.g. after the queues were deleted, so the next use declares them again. */
  forget(keyPrefix: string): void {
    for (const key of this.declared.keys()) if (key.startsWith(keyPrefix)) this.declared.delete(key);
  }
}

const CONNECT_TIMEOUT_MS = 10_000;

export interface AmqpConnectionOptions {
  url: string;
  logger: Logger;
  /** Shown in the RabbitMQ management UI. */
  connectionName: string;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Called with every new session, first and after each reconnect (consumers re-subscribe here). */
  onConnected: (session: AmqpSession) => Promise<void>;
}

/** Keeps one AMQP connection open: reconnects with back-off whenever it drops, until closed. */
export class AmqpConnection {
  private session?: AmqpSession;
  private readonly waiters = new Set<() => void>();
  private connecting = false;
  private closed = false;
  private readonly closing = new AbortController();

  constructor(private readonly options: AmqpConnectionOptions) {}

  start(): void {
    void this.connectLoop();
  }

  /** The live session, if connected. */
  current(): AmqpSession | undefined {
    return this.session && !this.session.closed ? this.session : undefined;
  }

  /** The live session, waiting up to `timeoutMs` for a reconnect; `purpose` says what gave up in the error. */
  async ready(timeoutMs: number, purpose: string): Promise<AmqpSession> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.closed) throw new Error(`The queue is closed (${purpose})`);
      const session = this.current();
      if (session) return session;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new QueueUnavailableError(
          `RabbitMQ at ${redactUrl(this.options.url)} is unreachable: gave up ${purpose} after ${timeoutMs} ms; ` +
            'check that the broker is running and AMQP_URL is right',
        );
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    this.wakeWaiters();
    const session = this.session;
    this.session = undefined;
    if (session && !session.closed) {
      session.closed = true;
      await session.model.close().catch(() => undefined);
    }
  }

  private async connectLoop(): Promise<void> {
    if (this.connecting || this.closed) return;
    this.connecting = true;
    const { url, logger } = this.options;
    let delay = this.options.reconnectMinMs;
    let session: AmqpSession | undefined;
    try {
      while (!this.closed && !session) {
        let model: ChannelModel | undefined;
        try {
          // The timeout covers a broker that accepts TCP but never answers the handshake.
          model = await connect(url, {
            clientProperties: { connection_name: this.options.connectionName },
            timeout: CONNECT_TIMEOUT_MS,
          });
          session = await this.openSession(model);
          if (session.closed) throw new Error('the connection closed while it was being opened');
        } catch (error) {
          session = undefined;
          // Not awaited: closing a half-open connection can wait for an answer that never comes.
          void model?.close().catch(() => undefined);
          logger.warn({ err: error, url: redactUrl(url), retryInMs: delay }, 'RabbitMQ unreachable; retrying');
          await sleep(delay, this.closing.signal);
          delay = Math.min(delay * 2, this.options.reconnectMaxMs);
        }
      }
    } finally {
      this.connecting = false;
    }
    if (!session) return;
    if (this.closed) {
      session.closed = true;
      await session.model.close().catch(() => undefined);
      return;
    }
    this.session = session;
    logger.info({ url: redactUrl(url) }, 'connected to RabbitMQ');
    this.wakeWaiters();
    await this.options.onConnected(session).catch((error: unknown) => {
      logger.error({ err: error }, 'restoring consumers after connecting to RabbitMQ failed');
    });
  }

  private async openSession(model: ChannelModel): Promise<AmqpSession> {
    let dropped = false;
    model.on('error', (error: unknown) => this.options.logger.warn({ err: error }, 'RabbitMQ connection error'));
    model.once('close', () => (dropped = true));
    const publisher = await model.createConfirmChannel();
    publisher.on('error', (error: unknown) =>
      this.options.logger.warn({ err: error }, 'RabbitMQ publisher channel error'),
    );
    const session = new AmqpSession(model, publisher, this.options.logger);
    if (dropped) throw new Error('the connection closed while it was being opened');
    model.once('close', () => this.lost(session));
    // Without its publisher a session is useless: start over on a fresh connection.
    publisher.once('close', () => {
      if (session.closed) return;
      this.lost(session);
      void model.close().catch(() => undefined);
    });
    return session;
  }

  private lost(session: AmqpSession): void {
    session.closed = true;
    if (this.session !== session) return;
    this.session = undefined;
    if (this.closed) return;
    this.options.logger.warn({ url: redactUrl(this.options.url) }, 'lost the RabbitMQ connection; reconnecting');
    void this.connectLoop();
  }

  private wakeWaiters(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
