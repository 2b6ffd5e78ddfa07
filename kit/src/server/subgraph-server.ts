import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { Registry } from 'prom-client';
import { errorFormatter } from '../errors.js';
import type { AuditSink } from '../audit.js';
import { IDENTITY_HEADER, verifyIdentity, type Identity } from '../identity.js';
import type { Logger } from '../log.js';
import { REQUEST_ID_HEADER, requestIdFrom, runInRequestScope } from '../request-scope.js';
import { BodyError, executeGraphQL, readBody, sendGraphQLError, sendJson } from './http.js';
import { operationMetricsPlugin } from './metrics.js';
import type { ServiceContext } from './service-context.js';
import { checkReadiness, type ReadinessChecks } from './readiness.js';
import { sendRouteError, type SubgraphRoute } from './routes.js';

export interface SubgraphServerOptions {
  /** Subgraph name, e.g. `training`; used in logs and metrics. */
  name: string;
  schema: GraphQLSchema;
  /** Shared with the router; only calls carrying an identity signed with it are served. */
  internalSecret: string;
  logger: Logger;
  /** What /readyz checks (database, bus, queue ...). */
  readiness?: ReadinessChecks;
  registry?: Registry;
  /** Where `@Audited` mutations record their events. */
  audit?: AuditSink;
  /** Plain HTTP endpoints under `/rest` (the router serves them at `/api/<subgraph>`). */
  routes?: SubgraphRoute[];
}

export interface RunningServer {
  name: string;
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves one Federation 2 subgraph: GraphQL over HTTP and graphql-ws on `/graphql`, `/healthz`,
 * `/readyz`, Prometheus `/metrics`. GraphQL calls without a valid router-signed identity are refused.
 */
export async function startSubgraphServer(
  options: SubgraphServerOptions,
  listen: { host?: string; port: number },
): Promise<RunningServer> {
  const { name, logger, internalSecret } = options;
  const registry = options.registry ?? new Registry();
  const audit = options.audit ? { sink: options.audit, service: name } : undefined;
  const apollo = new ApolloServer<ServiceContext>({
    schema: options.schema,
    formatError: errorFormatter(logger),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      // no HTTP caching of GraphQL answers here; computing cache hints for every field costs CPU
      ApolloServerPluginCacheControlDisabled(),
      operationMetricsPlugin(registry, name),
    ],
    introspection: true,
    // the process entry point owns signal handling and closes every server in order
    stopOnTerminationSignals: false,
    csrfPrevention: false,
  });
  await apollo.start();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok', service: name });
    if (path === '/readyz') {
      const report = await checkReadiness(options.readiness ?? {});
      return sendJson(res, report.ready ? 200 : 503, { service: name, ...report });
    }
    if (path === '/metrics') {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
      return;
    }
    if (path.startsWith('/rest/')) return rest(req, res, path.slice('/rest'.length));
    if (path !== '/graphql') return sendJson(res, 404, { error: 'not found' });

    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    let identity: Identity;
    try {
      identity = verifyIdentity(req.headers[IDENTITY_HEADER], internalSecret);
    } catch (err) {
      logger.warn({ requestId, remote: req.socket.remoteAddress }, 'refused a call without a valid router identity');
      return sendGraphQLError(res, 401, 'UNAUTHENTICATED', (err as Error).message);
    }
    const log = logger.child({ requestId });
    await runInRequestScope({ requestId }, async () => {
      let body: unknown;
      try {
        body = req.method === 'POST' ? await readBody(req) : undefined;
      } catch (err) {
        if (err instanceof BodyError) return sendGraphQLError(res, err.status, 'BAD_REQUEST', err.message);
        throw err;
      }
      await executeGraphQL(apollo, req, res, body, async () => ({ identity, requestId, log, audit }));
    });
  };

  const rest = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    let identity: Identity;
    try {
      identity = verifyIdentity(req.headers[IDENTITY_HEADER], internalSecret);
    } catch (err) {
      return sendJson(res, 401, { error: { code: 'UNAUTHENTICATED', message: (err as Error).message } });
    }
    const candidates = (options.routes ?? []).filter((r) => r.path.test(path));
    const route = candidates.find((r) => r.method === req.method || (r.method === 'GET' && req.method === 'HEAD'));
    if (!route) {
      if (candidates.length > 0) {
        res.setHeader('allow', [...new Set(candidates.map((r) => r.method))].join(', '));
        return sendJson(res, 405, {
          error: { code: 'METHOD_NOT_ALLOWED', message: `${req.method} is not allowed here.` },
        });
      }
      return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${path}.` } });
    }
    const log = logger.child({ requestId });
    const query = new URL(req.url ?? '/', 'http://subgraph.invalid').searchParams;
    await runInRequestScope({ requestId }, async () => {
      try {
        await route.handler(req, res, { identity, requestId, log, params: route.path.exec(path)!.slice(1), query });
      } catch (err) {
        sendRouteError(res, err, log);
      }
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err }, 'request failed');
      if (!res.headersSent) sendGraphQLError(res, 500, 'INTERNAL', 'Internal error');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;

  const wss = new WebSocketServer({ server, path: '/graphql' });
  const ws = useServer<Record<string, unknown>, { identity: Identity; requestId: string }>(
    {
      schema: options.schema,
      onConnect: (ctx) => {
        const header =
          ctx.extra.request.headers[IDENTITY_HEADER] ?? (ctx.connectionParams?.[IDENTITY_HEADER] as string | undefined);
        try {
          ctx.extra.identity = verifyIdentity(header, internalSecret);
          ctx.extra.requestId = requestIdFrom(ctx.extra.request.headers[REQUEST_ID_HEADER]);
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx): ServiceContext => {
        const requestId = ctx.extra.requestId ?? requestIdFrom(undefined);
        return { identity: ctx.extra.identity!, requestId, log: logger.child({ requestId }), audit };
      },
    },
    wss,
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${listen.host ?? '127.0.0.1'}:${port}/graphql`;
  logger.info({ url }, `${name} subgraph listening`);

  return {
    name,
    url,
    port,
    server,
    async close() {
      await ws.dispose();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await apollo.stop();
    },
  };
}
