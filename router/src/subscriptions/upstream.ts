import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { ExecutionResult, GraphQLError } from 'graphql';
import { IDENTITY_HEADER, type Identity, type IdentitySigner, type Logger } from '@aitip/kit';
import { CURSOR_FIELD, RESUME_VARIABLE } from './planner.js';

/** Receives one upstream subscription's events, in order. */
export interface UpstreamListener {
  next(event: ExecutionResult): void;
  /** The stream ended: the subgraph completed it, or refused it (errors). */
  complete(errors?: readonly GraphQLError[]): void;
}

/** What identifies an upstream subscription; identical ones are shared. */
export interface UpstreamRequest {
  subgraph: string;
  url: string;
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  identity: Identity;
  resumable: boolean;
}

export interface UpstreamOptions {
  signer: IdentitySigner;
  log: Logger;
  /** Interval of graphql-ws pings to subgraphs; a subgraph that stops answering is reconnected. */
  heartbeatMs: number;
  /** First and longest wait between reconnections to a subgraph. */
  minRetryMs: number;
  maxRetryMs: number;
}

/**
 * The subscriptions the router holds open to subgraphs, over graphql-ws with the signed identity.
 * Identical ones (same subgraph, operation, variables and authorization context) share one
 * upstream subscription; the last listener leaving closes it.
 */
export class UpstreamSubscriptions {
  private readonly open = new Map<string, UpstreamSubscription>();

  constructor(private readonly options: UpstreamOptions) {}

  /** Adds a listener to the matching upstream subscription, opening it if needed; returns how to leave. */
  join(request: UpstreamRequest, listener: UpstreamListener): () => void {
    const key = keyOf(request);
    let upstream = this.open.get(key);
    if (!upstream) {
      upstream = new UpstreamSubscription(request, this.options, () => this.open.delete(key));
      this.open.set(key, upstream);
      upstream.listeners.add(listener);
      upstream.start();
    } else {
      upstream.listeners.add(listener);
    }
    const joined = upstream;
    return () => joined.leave(listener);
  }

  /** How many upstream subscriptions are open (for metrics and tests). */
  get size(): number {
    return this.open.size;
  }

  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((u) => u.stop()));
    this.open.clear();
  }
}

function keyOf(request: UpstreamRequest): string {
  return JSON.stringify([
    request.subgraph,
    request.query,
    request.operationName ?? null,
    sorted(request.variables),
    authorizationKeyOf(request.identity),
  ]);
}

/** The authorization context of an identity, as a key: everything but the client's address. */
export function authorizationKeyOf(identity: Identity): string {
  const { clientIp: _ip, ...authorization } = identity;
  return JSON.stringify(sorted(authorization));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
  );
}

/** Close code the router uses on a subgraph connection whose pings go unanswered. */
const HEARTBEAT_TIMEOUT = 4000;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * One subscription to a subgraph. When the connection drops (the subgraph restarts), it reconnects
 * with exponential back-off and, for resumable fields, re-subscribes after the last event's cursor,
 * so listeners see neither a gap nor a duplicate.
 */
class UpstreamSubscription {
  readonly listeners = new Set<UpstreamListener>();
  private lastCursor: unknown = undefined;
  private stopped = false;
  private client: Client | undefined;
  private cancel: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly request: UpstreamRequest,
    private readonly options: UpstreamOptions,
    private readonly forget: () => void,
  ) {}

  start(): void {
    this.running = this.run().catch((err: unknown) => {
      this.options.log.error({ err, subgraph: this.request.subgraph }, 'upstream subscription failed');
      this.finish([asError(`Subscription to subgraph "${this.request.subgraph}" failed.`)]);
    });
  }

  leave(listener: UpstreamListener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) void this.stop();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.forget();
    this.cancel?.();
    await this.client?.dispose();
  }

  private async run(): Promise<void> {
    const { request, options } = this;
    const url = request.url.replace(/^http/, 'ws');
    let failures = 0;
    while (!this.stopped) {
      const variables =
        request.resumable && this.lastCursor !== undefined
          ? { ...request.variables, [RESUME_VARIABLE]: this.lastCursor }
          : request.variables;
      // a subgraph that does not answer a ping within a heartbeat is treated as gone: the socket
      // is closed (4000, not a 44xx refusal) and the loop reconnects
      let socket: WebSocket | undefined;
      let pongTimer: NodeJS.Timeout | undefined;
      const client = createClient({
        url,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        keepAlive: options.heartbeatMs,
        // signed at every (re)connection: the signature expires, the connection may not
        connectionParams: () => ({ [IDENTITY_HEADER]: options.signer.sign(request.identity) }),
        on: {
          connected: (connected) => (socket = connected as WebSocket),
          ping: (received) => {
            if (received) return;
            pongTimer = setTimeout(() => {
              if (socket?.readyState === WebSocket.OPEN) socket.close(HEARTBEAT_TIMEOUT, 'No pong from the subgraph');
            }, options.heartbeatMs);
            pongTimer.unref();
          },
          pong: (received) => {
            if (received) clearTimeout(pongTimer);
          },
          closed: () => clearTimeout(pongTimer),
        },
      });
      this.client = client;
      const outcome = await new Promise<{ kind: 'complete' } | { kind: 'error'; error: unknown }>((resolve) => {
        this.cancel = client.subscribe<Record<string, unknown>>(
          { query: request.query, variables, operationName: request.operationName },
          {
            next: (event) => {
              failures = 0;
              if (request.resumable && event.data) {
                const root = Object.values(event.data)[0] as Record<string, unknown> | null | undefined;
                const cursor = root?.[CURSOR_FIELD];
                // a subgraph that replays the `after` event itself must not make clients see it twice
                if (cursor !== undefined && cursor !== null && cursor === this.lastCursor) return;
                if (cursor !== undefined && cursor !== null) this.lastCursor = cursor;
              }
              for (const listener of this.listeners) listener.next(event as ExecutionResult);
            },
            error: (error) => resolve({ kind: 'error', error }),
            complete: () => resolve({ kind: 'complete' }),
          },
        );
      });
      this.cancel = undefined;
      void client.dispose();
      if (this.stopped) return;
      if (outcome.kind === 'complete') return this.finish();
      const { error } = outcome;
      if (Array.isArray(error)) return this.finish(error as GraphQLError[]);
      const code = (error as { code?: number }).code;
      if (typeof code === 'number' && code >= 4400 && code < 4500) {
        return this.finish([asError(`Subgraph "${request.subgraph}" refused the subscription (close code ${code}).`)]);
      }
      const delay = Math.min(options.maxRetryMs, options.minRetryMs * 2 ** failures);
      failures++;
      options.log.warn(
        { subgraph: request.subgraph, code, retryInMs: delay },
        'subgraph subscription connection lost; reconnecting',
      );
      await wait(delay);
    }
  }

  private finish(errors?: readonly GraphQLError[]): void {
    const listeners = [...this.listeners];
    this.listeners.clear();
    void this.stop();
    for (const listener of listeners) listener.complete(errors);
  }

  /** For shutdown: resolves once the loop has ended. */
  get done(): Promise<void> | undefined {
    return this.running;
  }
}

function asError(message: string): GraphQLError {
  return { message, extensions: { code: 'SUBGRAPH_UNAVAILABLE' } } as unknown as GraphQLError;
}
