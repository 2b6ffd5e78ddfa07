import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import {
  BodyError,
  IdentitySigner,
  REQUEST_ID_HEADER,
  anonymousIdentity,
  errorFormatter,
  executeGraphQL,
  operationMetricsPlugin,
  readBody,
  requestIdFrom,
  runInRequestScope,
  sendGraphQLError,
  sendJson,
  type Logger,
} from '@aitip/kit';
import type { RouterContext } from './context.js';
import { SubgraphDataSource } from './subgraph-data-source.js';
import { subgraphsOf, type SubgraphEndpoint } from './supergraph.js';
import { checkSubgraphs } from './subgraph-health.js';
import { webHandler } from './static-files.js';

/** A handler for extra path prefixes the router serves (e.g. local blob URLs). */
export type PathHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface RouterOptions {
  supergraphSdl: string;
  /** Routing URLs by subgraph name that replace the supergraph's (all-in-one uses loopback ports). */
  urlOverrides?: Record<string, string>;
  internalSecret: string;
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
  const dataSources: SubgraphDataSource[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) => {
      // the same routing URL /readyz checks, overrides applied
      const routingUrl = subgraphs.find((s) => s.name === name)?.url ?? url ?? '';
      const source = new SubgraphDataSource(name, routingUrl, signer, {
        deduplicateQueries: options.deduplicateQueries ?? true,
      });
      dataSources.push(source);
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
    introspection: true,
    stopOnTerminationSignals: false,
    // authentication uses the Authorization header, never cookies, so cross-site request forgery
    // cannot borrow a user's credentials; plain GET queries from curl keep working
    csrfPrevention: false,
  });
  await apollo.start();

  const web = options.webDist ? webHandler(options.webDist) : undefined;
  const logRequests = options.logRequests ?? true;

  const graphql = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    // a child logger per request costs measurable CPU; make one only when it will be used
    const log = logRequests ? logger.child({ requestId }) : logger;
    let operationName: string | undefined;
    await runInRequestScope({ requestId }, async () => {
      let body: unknown;
      try {
        body = req.method === 'POST' ? await readBody(req) : undefined;
      } catch (err) {
        if (err instanceof BodyError) return sendGraphQLError(res, err.status, 'BAD_REQUEST', err.message);
        throw err;
      }
      const name = (body as { operationName?: unknown } | undefined)?.operationName;
      operationName = typeof name === 'string' ? name : undefined;
      await executeGraphQL(apollo, req, res, body, async () => ({ identity: anonymousIdentity, requestId, log }));
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
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      await apollo.stop();
      await Promise.all(dataSources.map((s) => s.close()));
    },
  };
}
