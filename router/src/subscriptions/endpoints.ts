import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { createHandler } from 'graphql-sse/lib/use/http';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { randomUUID } from 'node:crypto';
import type { Identity, Logger } from '@aitip/kit';
import type { Authenticator } from '../auth/authenticator.js';
import { RouterRequestError, sendRouterError } from '../http/request-errors.js';
import { CloseCode } from './close-codes.js';
import { principalOf, SubscriptionLimitError, type ClientConnection } from './connections.js';
import type { EventStream } from './event-stream.js';
import type { SubscriptionService } from './service.js';

/** WebSocket close reasons are limited to 123 bytes. */
const reasonOf = (text: string) => (Buffer.byteLength(text) > 120 ? text.slice(0, 117) + '...' : text);

function closeCodeOf(err: RouterRequestError): CloseCode {
  if (err.status === 403) return CloseCode.Forbidden;
  if (err.status === 429) return CloseCode.TooManyConnections;
  if (err.status >= 500) return CloseCode.Unavailable;
  return CloseCode.Unauthenticated;
}

/**
 * Holds a stream's writes until the current turn of the event loop ends: a burst of events for one
 * client then leaves in one write instead of one system call per event.
 */
function writeBatcher(stream: { cork(): void; uncork(): void }): () => void {
  let corked = false;
  return () => {
    if (corked) return;
    corked = true;
    stream.cork();
    setImmediate(() => {
      corked = false;
      stream.uncork();
    });
  };
}

/** What a client connection needs from the router. */
export interface SubscriptionEndpointOptions {
  service: SubscriptionService;
  authenticator: Authenticator;
  clientIpOf(req: IncomingMessage): string;
  /**
   * Checks a new subscription against the router's guards (query length and limits, the
   * subscription rate limit); throws RouterRequestError to refuse it.
   */
  admit(
    identity: Identity,
    query: string,
    operationName: string | undefined,
    variables: Record<string, unknown>,
  ): Promise<void>;
  log: Logger;
}

/** A refusal as the GraphQL errors a subscribe message is answered with. */
function refusalOf(err: unknown): GraphQLError[] {
  if (err instanceof RouterRequestError) {
    return [new GraphQLError(err.message, { extensions: { ...err.extensions, code: err.code } })];
  }
  if (err instanceof SubscriptionLimitError) return [new GraphQLError(err.message, { extensions: { code: err.code } })];
  throw err;
}

/**
 * graphql-ws on the router's `/graphql` (WebSocket upgrade). The client authenticates in
 * `connection_init` (`connectionParams.authorization`, optionally `x-aitip-org`) or with the
 * upgrade request's headers.
 */
export function webSocketEndpoint(options: SubscriptionEndpointOptions) {
  const { service, authenticator, log } = options;
  const registry = service.registry;
  const wss = new WebSocketServer({ noServer: true });
  const server = useServer<Record<string, unknown>, { connection?: ClientConnection }>(
    {
      schema: service.planner.apiGraphQLSchema,
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const request = ctx.extra.request;
        const params = ctx.connectionParams ?? {};
        const param = (name: string) => {
          const value = params[name] ?? params[name.toLowerCase()];
          return typeof value === 'string' ? value : undefined;
        };
        const headers = {
          authorization: param('Authorization') ?? param('authorization') ?? request.headers.authorization,
          'x-aitip-org': param('x-aitip-org') ?? (request.headers['x-aitip-org'] as string | undefined),
        };
        let session: { identity: Identity; expiresAt?: number };
        try {
          session = await authenticator.authenticateSession(headers, options.clientIpOf(request));
        } catch (err) {
          if (!(err instanceof RouterRequestError)) throw err;
          socket.close(closeCodeOf(err), reasonOf(err.message));
          return false;
        }
        const connection: ClientConnection = {
          identity: session.identity,
          principal: principalOf(session.identity),
          ...(session.expiresAt !== undefined ? { expiresAt: session.expiresAt } : {}),
          subscriptions: 0,
          backlogBytes: () => socket.bufferedAmount,
          batchWrites: writeBatcher(request.socket),
          close: (code, reason) => {
            if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) {
              socket.close(code, reasonOf(reason));
            }
            // a slow client reads the close frame after what is already buffered; ws destroys the
            // socket if the closing handshake has not completed 30 seconds later
          },
        };
        try {
          registry.open(connection);
        } catch (err) {
          if (!(err instanceof SubscriptionLimitError)) throw err;
          socket.close(err.closeCode, reasonOf(err.message));
          return false;
        }
        ctx.extra.connection = connection;
        socket.once('close', () => registry.closed(connection));
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const connection = ctx.extra.connection!;
        try {
          await options.admit(
            connection.identity,
            payload.query,
            payload.operationName ?? undefined,
            payload.variables ?? {},
          );
        } catch (err) {
          return refusalOf(err);
        }
        const planned = service.planner.plan(
          payload.query,
          payload.operationName ?? undefined,
          payload.variables ?? {},
        );
        if (Array.isArray(planned)) return planned as GraphQLError[];
        const plan = planned as Exclude<typeof planned, readonly GraphQLError[]>;
        try {
          // checked here too so a refused subscription gets a GraphQL error, not a closed connection
          registry.startSubscription(connection)();
        } catch (err) {
          return refusalOf(err);
        }
        return {
          schema: service.planner.apiGraphQLSchema,
          document: plan.document,
          operationName: plan.operationName,
          variableValues: plan.variables,
          contextValue: { connection, plan },
        };
      },
      subscribe: (args) => {
        const { connection, plan } = args.contextValue as {
          connection: ClientConnection;
          plan: Parameters<SubscriptionService['subscribe']>[1];
        };
        try {
          return service.subscribe(connection, plan, randomUUID());
        } catch (err) {
          return { errors: refusalOf(err) };
        }
      },
    },
    wss,
  );
  // heartbeats: a client that misses a ping's pong until the next ping is gone
  const alive = new WeakMap<WebSocket, boolean>();
  wss.on('connection', (socket) => {
    alive.set(socket, true);
    socket.on('pong', () => alive.set(socket, true));
  });
  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.get(socket)) {
        socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  }, registry.limits.heartbeatMs);
  heartbeat.unref();
  return {
    /** Takes over an HTTP upgrade of `/graphql`. */
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    async close(): Promise<void> {
      clearInterval(heartbeat);
      await server.dispose();
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      log.debug('subscription WebSocket endpoint closed');
    },
  };
}

/**
 * GraphQL over SSE (graphql-sse, "distinct connections" mode: one streamed request per operation)
 * on `/graphql`, authenticated by the request's headers like any HTTP request.
 */
export function sseEndpoint(options: SubscriptionEndpointOptions) {
  const { service, authenticator } = options;
  const registry = service.registry;
  const connections = new WeakMap<IncomingMessage, ClientConnection>();
  const handler = createHandler({
    schema: service.planner.apiGraphQLSchema,
    onSubscribe: async (req, params) => {
      const connection = connections.get(req.raw)!;
      try {
        await options.admit(
          connection.identity,
          params.query as string,
          params.operationName ?? undefined,
          params.variables ?? {},
        );
      } catch (err) {
        return { errors: refusalOf(err) } as ExecutionResult;
      }
      const planned = service.planner.plan(params.query, params.operationName ?? undefined, params.variables ?? {});
      if (Array.isArray(planned)) return { errors: planned as GraphQLError[] } as ExecutionResult;
      const plan = planned as Exclude<typeof planned, readonly GraphQLError[]>;
      try {
        const stream = service.subscribe(connection, plan, randomUUID());
        (connection as SseConnection).streams.add(stream);
        return stream;
      } catch (err) {
        return { errors: refusalOf(err) } as ExecutionResult;
      }
    },
  });
  return {
    /**
     * Whether a request is a GraphQL over SSE request: it accepts an event stream and no JSON answer.
     * Clients such as urql list `text/event-stream` among JSON types on every query; those are
     * ordinary HTTP requests.
     */
    accepts(req: IncomingMessage): boolean {
      const accept = req.headers.accept ?? '';
      return accept.includes('text/event-stream') && !accept.includes('json');
    },
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      let session: { identity: Identity; expiresAt?: number };
      try {
        session = await authenticator.authenticateSession(req.headers, options.clientIpOf(req));
      } catch (err) {
        if (!(err instanceof RouterRequestError)) throw err;
        return sendRouterError(res, err);
      }
      const connection: SseConnection = {
        identity: session.identity,
        principal: principalOf(session.identity),
        ...(session.expiresAt !== undefined ? { expiresAt: session.expiresAt } : {}),
        subscriptions: 0,
        streams: new Set(),
        backlogBytes: () => res.writableLength,
        batchWrites: writeBatcher(res),
        close: (code, reason) => {
          if (code === CloseCode.SlowConsumer) {
            res.destroy();
            return;
          }
          // the client reads why in a last `next` event, then the stream completes
          for (const stream of connection.streams) {
            if (stream.reserve()) {
              stream.push({
                errors: [new GraphQLError(reason, { extensions: { code: closeName(code), closeCode: code } })],
              });
            }
            stream.end();
          }
        },
      };
      try {
        registry.open(connection);
      } catch (err) {
        if (!(err instanceof SubscriptionLimitError)) throw err;
        return sendRouterError(res, new RouterRequestError(429, err.code, err.message));
      }
      connections.set(req, connection);
      // graphql-sse itself writes a heartbeat comment every 12 seconds. The handler may not return
      // after the client goes away (ending a destroyed response never calls back): forget the
      // connection when the response closes.
      res.once('close', () => registry.closed(connection));
      await handler(req, res);
    },
  };
}

interface SseConnection extends ClientConnection {
  streams: Set<EventStream>;
}

function closeName(code: CloseCode): string {
  switch (code) {
    case CloseCode.Unauthenticated:
      return 'UNAUTHENTICATED';
    case CloseCode.Forbidden:
      return 'FORBIDDEN';
    case CloseCode.TooManyConnections:
      return 'TOO_MANY_CONNECTIONS';
    case CloseCode.SlowConsumer:
      return 'SLOW_CONSUMER';
    case CloseCode.Unavailable:
      return 'UNAVAILABLE';
    default:
      return 'GOING_AWAY';
  }
}
