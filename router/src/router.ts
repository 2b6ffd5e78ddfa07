import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import { buildASTSchema, parse, type GraphQLSchema } from 'graphql';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import {
  IdentitySigner,
  MemoryBus,
  MemoryRateLimiter,
  REQUEST_ID_HEADER,
  errorFormatter,
  executeGraphQL,
  operationMetricsPlugin,
  requestIdFrom,
  runInRequestScope,
  sendGraphQLError,
  sendJson,
  type Bus,
  type Identity,
  type Logger,
  type RateLimiter,
} from '@aitip/kit';
import { Authenticator } from './auth/authenticator.js';
import type { RouterContext } from './context.js';
import { readLimitedBody } from './http/body.js';
import { clientIpOf } from './http/client-ip.js';
import { CorsPolicy } from './http/cors.js';
import { graphqlParamsOf } from './http/graphql-params.js';
import { RouterRequestError, sendRouterError } from './http/request-errors.js';
import { QueryAnalyzer } from './limits/query-analyzer.js';
import { checkIntrospection, checkQueryLength, checkQueryLimits } from './limits/query-limits.js';
import { RequestRateLimits } from './limits/request-rate-limits.js';
import { securitySettings, type SecurityOverrides } from './security.js';
import { SubgraphDataSource } from './subgraph-data-source.js';
import { subgraphsOf, type SubgraphEndpoint } from './supergraph.js';
import { checkSubgraphs } from './subgraph-health.js';
import { webHandler } from './static-files.js';
import { ConnectionRegistry } from './subscriptions/connections.js';
import { sseEndpoint, webSocketEndpoint } from './subscriptions/endpoints.js';
import { REST_PREFIX, restProxy } from './http/rest-proxy.js';
import { SubscriptionPlanner } from './subscriptions/planner.js';
import { SubscriptionService } from './subscriptions/service.js';
import { UpstreamSubscriptions } from './subscriptions/upstream.js';

/** A handler for extra path prefixes the router serves (e.g. local blob URLs). */
/** How a call of the MLflow REST API is charged against the rate limits. */
const TRACKING_CALL = { type: 'tracking', authMutation: false } as const;

export type PathHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface RouterOptions {
  supergraphSdl: string;
  /** Routing URLs by subgraph name that replace the supergraph's (all-in-one uses loopback ports). */
  urlOverrides?: Record<string, string>;
  internalSecret: string;
  /** Verifies access tokens (HS256); the users subgraph signs them with the same secret. */
  tokenSecret: string;
  /** Carries revocations from the users subgraph (Redis in distributed mode); in-process when left out. */
  bus?: Bus;
  /** Counts requests against the rate limits (Redis in distributed mode); in-process when left out. */
  rateLimiter?: RateLimiter;
  /** Rate limits, query limits, body size, introspection, CORS and proxy settings over the defaults. */
  security?: SecurityOverrides;
  logger: Logger;
  /** Folder of the built web app (`web/dist`). */
  webDist?: string;
  /** Extra handlers tried before the web app, e.g. signed local blob URLs under `/blob/`. */
  handlers?: PathHandler[];
  /** Log one line per GraphQL request (on by default). */
  logRequests?: boolean;
  /** Let identical subgraph queries in flight at once, for the same identity, share one call (on by default). */
  deduplicateQueries?: boolean;
}

export interface RunningRouter {
  url: string;
  port: number;
  server: Server;
  subgraphs: SubgraphEndpoint[];
  /** The subscriptions held open to subgraphs (for metrics and tests). */
  subscriptions: { upstreams: UpstreamSubscriptions; connections: ConnectionRegistry };
  close(): Promise<void>;
}

/**
 * The AITIP router: GraphQL over HTTP through @apollo/gateway with a static supergraph, signed
 * identities towards subgraphs, request ids and logs, Prometheus metrics, health and readiness,
 * and the web UI.
 */
export async function startRouter(
  options: RouterOptions,
  listen: { host?: string; port: number },
): Promise<RunningRouter> {
  const { logger } = options;
  const subgraphs = subgraphsOf(options.supergraphSdl).map((s) => ({
    ...s,
    url: options.urlOverrides?.[s.name] ?? s.url,
  }));
  const signer = new IdentitySigner(options.internalSecret);
  const settings = securitySettings(options.security);
  // an in-process bus or limiter made here is the router's own to close
  const ownBus = options.bus ? undefined : new MemoryBus(logger);
  const ownLimiter = options.rateLimiter ? undefined : new MemoryRateLimiter();
  const authenticator = new Authenticator({
    tokenSecret: options.tokenSecret,
    usersUrl: subgraphs.find((s) => s.name === 'users')?.url,
    signer,
    bus: (options.bus ?? ownBus)!,
    log: logger,
  });
  await authenticator.start();
  const rateLimits = new RequestRateLimits((options.rateLimiter ?? ownLimiter)!, settings.rateLimits, logger);
  const analyzer = new QueryAnalyzer(apiSchemaOf(options.supergraphSdl, logger));
  const cors = new CorsPolicy(settings.corsOrigins);
  const dataSources: SubgraphDataSource[] = [];
  const dataSourcesByName = new Map<string, SubgraphDataSource>();
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) => {
      // the same routing URL /readyz checks, overrides applied
      const routingUrl = subgraphs.find((s) => s.name === name)?.url ?? url ?? '';
      const source = new SubgraphDataSource(name, routingUrl, signer, {
        deduplicateQueries: options.deduplicateQueries ?? true,
      });
      dataSources.push(source);
      dataSourcesByName.set(name, source);
      return source;
    },
    logger: {
      debug: () => undefined,
      info: (message: unknown) => logger.debug({ gateway: message }),
      warn: (message: unknown) => logger.warn({ gateway: message }),
      error: (message: unknown) => logger.error({ gateway: message }),
    },
  });

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpRequests = new Counter({
    name: 'aitip_router_http_requests_total',
    help: 'HTTP requests served by the router, by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });

  const apollo = new ApolloServer<RouterContext>({
    gateway,
    formatError: errorFormatter(logger),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // no HTTP caching of GraphQL answers; computing cache hints for every request costs CPU
      ApolloServerPluginCacheControlDisabled(),
      operationMetricsPlugin(registry, 'router'),
    ],
    // the router applies its own introspection policy (INTROSPECTION) before Apollo runs
    introspection: true,
    stopOnTerminationSignals: false,
    // Credentials travel in the Authorization header, never in cookies, but the platform may sit
    // behind a proxy or on a network that trusts the caller's address: refusing "simple" requests
    // (GET without a preflight-forcing header, form or text/plain POSTs) keeps other sites' pages
    // from triggering operations at all. GET needs `apollo-require-preflight: true`.
    csrfPrevention: true,
    // a hash-only request would skip the query limits, which need the query text
    persistedQueries: false,
  });
  await apollo.start();

  // Subscriptions (graphql-ws and graphql-sse): the gateway does not execute them, so the router
  // plans them itself and completes every event with the same entity fetches as queries.
  const upstreams = new UpstreamSubscriptions({
    signer,
    log: logger,
    heartbeatMs: settings.subscriptions.heartbeatMs,
    minRetryMs: 100,
    maxRetryMs: 5000,
  });
  const connections = new ConnectionRegistry(settings.subscriptions);
  const stopRevocations = authenticator.onRevocation((revocation) => connections.revoke(revocation));
  const subscriptionService = new SubscriptionService(
    new SubscriptionPlanner(options.supergraphSdl, dataSourcesByName, logger),
    upstreams,
    connections,
    new Map(subgraphs.map((s) => [s.name, s.url])),
    logger,
  );
  const endpointOptions = {
    service: subscriptionService,
    authenticator,
    clientIpOf: (req: IncomingMessage) => clientIpOf(req, settings.trustProxyHops),
    admit: async (
      identity: Identity,
      query: string,
      operationName: string | undefined,
      variables: Record<string, unknown>,
    ) => {
      checkQueryLength(query, settings.queryLimits);
      const operation = analyzer.analyze(query, operationName, variables);
      await rateLimits.charge(undefined, identity, identity.clientIp ?? '', operation);
      if (operation) checkQueryLimits(operation, settings.queryLimits);
    },
    log: logger,
  };
  new Gauge({
    name: 'aitip_router_subscription_connections',
    help: 'Client connections carrying subscriptions (WebSocket and SSE) open now',
    registers: [registry],
    collect() {
      this.set(connections.size);
    },
  });
  new Gauge({
    name: 'aitip_router_upstream_subscriptions',
    help: 'Subscriptions the router holds open to subgraphs now (shared by identical client subscriptions)',
    registers: [registry],
    collect() {
      this.set(upstreams.size);
    },
  });
  const webSockets = webSocketEndpoint(endpointOptions);
  const sse = sseEndpoint(endpointOptions);

  /** The caller of an HTTP request; a refused credential counts against the failed-authentication limit. */
  const authenticate = async (req: IncomingMessage, res: ServerResponse, clientIp: string): Promise<Identity> => {
    try {
      return await authenticator.authenticate(req.headers, clientIp);
    } catch (err) {
      if (err instanceof RouterRequestError && err.status < 500) {
        await rateLimits.chargeFailedAuthentication(res, clientIp);
      }
      throw err;
    }
  };

  const api = restProxy({
    subgraphUrls: new Map(subgraphs.map((s) => [s.name, s.url])),
    signer,
    admit: async (req, res, limits) => {
      const clientIp = clientIpOf(req, settings.trustProxyHops);
      const identity = await authenticate(req, res, clientIp);
      await rateLimits.charge(res, identity, clientIp, limits === 'tracking' ? TRACKING_CALL : undefined);
      return identity;
    },
    log: logger,
  });

  const web = options.webDist ? webHandler(options.webDist) : undefined;
  const logRequests = options.logRequests ?? true;

  const graphql = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    cors.decorate(req, res);
    if (req.method === 'OPTIONS') return cors.preflight(req, res);
    if (sse.accepts(req)) {
      await sse.handle(req, res);
      httpRequests.inc({ route: '/graphql', status: res.statusCode });
      return;
    }
    // a child logger per request costs measurable CPU; make one only when it will be used
    const log = logRequests ? logger.child({ requestId }) : logger;
    let operationName: string | undefined;
    await runInRequestScope({ requestId }, async () => {
      try {
        const body = req.method === 'POST' ? await readLimitedBody(req, settings.maxBodyBytes) : undefined;
        const params = graphqlParamsOf(req, body);
        operationName = params.operationName;
        if (params.query !== undefined) checkQueryLength(params.query, settings.queryLimits);
        const clientIp = clientIpOf(req, settings.trustProxyHops);
        const identity = await authenticate(req, res, clientIp);
        const operation =
          params.query === undefined
            ? undefined
            : analyzer.analyze(params.query, params.operationName, params.variables);
        if (operation?.type === 'subscription') {
          throw new RouterRequestError(
            400,
            'SUBSCRIPTION_NEEDS_STREAM',
            'Subscriptions run over a stream: open a WebSocket to /graphql (graphql-ws) or send this ' +
              'request with "Accept: text/event-stream" (GraphQL over SSE).',
          );
        }
        await rateLimits.charge(res, identity, clientIp, operation);
        if (operation) {
          checkQueryLimits(operation, settings.queryLimits);
          checkIntrospection(operation, identity, settings.introspection);
        }
        await executeGraphQL(apollo, req, res, body, async () => ({ identity, requestId, log }));
      } catch (err) {
        if (!(err instanceof RouterRequestError)) throw err;
        if (err.status >= 500) log.warn({ err: err.message, code: err.code }, 'request refused');
        sendRouterError(res, err);
      }
    });
    httpRequests.inc({ route: '/graphql', status: res.statusCode });
    if (logRequests) {
      log.info(
        {
          method: req.method,
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 100) / 100,
          operationName,
        },
        'graphql request',
      );
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/graphql') return graphql(req, res);
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok', service: 'router' });
    if (path === '/readyz') {
      const report = await checkSubgraphs(subgraphs, signer);
      httpRequests.inc({ route: '/readyz', status: report.ready ? 200 : 503 });
      return sendJson(res, report.ready ? 200 : 503, report);
    }
    if (path.startsWith(REST_PREFIX)) {
      const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
      res.setHeader(REQUEST_ID_HEADER, requestId);
      cors.decorate(req, res);
      if (req.method === 'OPTIONS') return cors.preflight(req, res);
      await api(req, res, path, requestId);
      httpRequests.inc({ route: '/api', status: res.statusCode });
      return;
    }
    if (path === '/metrics') {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
      return;
    }
    for (const handler of options.handlers ?? []) {
      if (await handler(req, res)) return;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && web) return web(req, res, path);
    sendJson(res, 404, { error: `No route for ${req.method} ${path}` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err }, 'request failed');
      if (!res.headersSent) sendGraphQLError(res, 500, 'INTERNAL', 'Internal error');
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/graphql') webSockets.upgrade(req, socket, head);
    else socket.destroy();
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = listen.host && listen.host !== '0.0.0.0' && listen.host !== '::' ? listen.host : 'localhost';
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    subgraphs,
    subscriptions: { upstreams, connections },
    async close() {
      stopRevocations();
      connections.closeAll();
      await webSockets.close();
      await upstreams.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      await apollo.stop();
      await Promise.all(dataSources.map((s) => s.close()));
      await authenticator.close();
      await ownBus?.close();
      await ownLimiter?.close();
    },
  };
}

/**
 * The supergraph's schema as graphql-js reads it, so the cost estimate knows which fields are
 * lists; without it (an SDL graphql-js cannot build) every field counts as one item.
 */
function apiSchemaOf(supergraphSdl: string, logger: Logger): GraphQLSchema | undefined {
  try {
    return buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  } catch (err) {
    logger.warn(
      { err },
      'cannot read list types from the supergraph; the query cost estimate counts lists as one item',
    );
    return undefined;
  }
}
