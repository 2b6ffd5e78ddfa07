import type { IncomingMessage } from 'node:http';
import { requireScopes, sendJson, type Logger, type RouteContext, type SubgraphRoute } from '@aitip/kit';
import type { Actor, TrackingService } from '../tracking/api.js';
import { artifactEndpoints } from './artifacts.js';
import type { MlflowEndpoint } from './endpoint.js';
import { MlflowError, sendMlflowError } from './errors.js';
import { experimentEndpoints } from './experiments.js';
import { MAX_JSON_BODY_BYTES, MlflowParams, parseJsonBody, queryParams, readRawBody } from './request.js';
import { runEndpoints } from './runs.js';

/** Every MLflow endpoint AITIP serves, by path after `/api/2.0`. */
export const mlflowEndpoints: readonly MlflowEndpoint[] = [
  ...experimentEndpoints,
  ...runEndpoints,
  ...artifactEndpoints,
];

/** The subgraph route path of an endpoint: the router forwards `/api/2.0/mlflow…` to `/rest/2.0/mlflow…`. */
function routePath(path: string | RegExp): RegExp {
  const tail = typeof path === 'string' ? `${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` : path.source.slice(1);
  return new RegExp(`^/2\\.0${tail}`);
}

function tooLargeBody(size: number): MlflowError {
  return new MlflowError(
    'BAD_REQUEST',
    `The request body (${size} bytes) is larger than ${MAX_JSON_BODY_BYTES} bytes.`,
  );
}

/** The request's fields: the query string of a GET that has one, else the JSON body (MLflow reads both so). */
async function requestFields(req: IncomingMessage, context: RouteContext, endpoint: MlflowEndpoint) {
  if ((req.method === 'GET' || req.method === 'HEAD') && [...context.query.keys()].length > 0) {
    return queryParams(context.query, endpoint.repeated);
  }
  const limit = endpoint.bodyLimit ?? { bytes: MAX_JSON_BODY_BYTES, tooLarge: tooLargeBody };
  return parseJsonBody(await readRawBody(req, limit.bytes, limit.tooLarge));
}

/** The caller as the tracking service knows it, once their scope allows the endpoint. */
function authorize(context: RouteContext, endpoint: MlflowEndpoint): Actor {
  const { identity } = context;
  requireScopes(identity, [endpoint.access === 'read' ? 'experiments:read' : 'experiments:write']);
  return { orgId: identity.orgId!, userId: identity.userId ?? null };
}

function route(
  service: TrackingService,
  endpoint: MlflowEndpoint,
  method: SubgraphRoute['method'],
  log?: Logger,
): SubgraphRoute {
  return {
    method,
    path: routePath(endpoint.path),
    async handler(req, res, context) {
      try {
        const actor = authorize(context, endpoint);
        const fields = endpoint.body === 'stream' ? {} : await requestFields(req, context, endpoint);
        const answer = await endpoint.handle({
          service,
          actor,
          params: new MlflowParams(fields),
          req,
          res,
          context,
        });
        if (answer !== undefined) sendJson(res, 200, answer);
      } catch (err) {
        if (!req.readableEnded) req.resume();
        const logger = log ? log.child({ requestId: context.requestId }) : context.log;
        sendMlflowError(res, err, logger, context.requestId);
      }
    },
  };
}

/**
 * Answers, in MLflow's error shape, calls under `/2.0/mlflow` that no endpoint serves:
 * ENDPOINT_NOT_FOUND for an unknown path (as MLflow's server does), 405 for a known one called
 * with the wrong method.
 */
function notFoundRoutes(): SubgraphRoute[] {
  const methods: Array<SubgraphRoute['method']> = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  const known = mlflowEndpoints.map((endpoint) => ({ endpoint, path: routePath(endpoint.path) }));
  return methods.map((method) => ({
    method,
    path: /^\/2\.0\/mlflow(?:-artifacts)?(?:\/.*)?$/,
    async handler(req, res, context) {
      req.resume();
      const path = (req.url ?? '').split('?')[0]!.replace(/^\/rest/, '');
      const allowed = known.filter((k) => k.path.test(path)).flatMap((k) => k.endpoint.methods);
      if (allowed.length > 0) {
        const allow = [...new Set(allowed)].join(', ');
        sendJson(
          res,
          405,
          { error_code: 'BAD_REQUEST', message: `${req.method} is not allowed on /api${path}; use ${allow}.` },
          { allow },
        );
        return;
      }
      const error = new MlflowError(
        'ENDPOINT_NOT_FOUND',
        `AITIP's MLflow API has no endpoint ${req.method} /api${path}; see docs/mlflow.md for the endpoints it serves.`,
      );
      sendMlflowError(res, error, context.log);
    },
  }));
}

/**
 * MLflow's tracking REST API (`/api/2.0/mlflow/…`) and artifact proxy (`/api/2.0/mlflow-artifacts/…`)
 * as subgraph routes, so that MLflow clients pointed at AITIP (`MLFLOW_TRACKING_URI`, with an API
 * key in `MLFLOW_TRACKING_TOKEN`) log runs unchanged. Requests and answers have MLflow's JSON
 * shapes and error codes; reads need `experiments:read`, writes `experiments:write`; a logging
 * call answers only once the service has committed it. Unexpected failures are logged to `log`
 * (by default the route's request logger).
 */
export function mlflowRoutes(service: TrackingService, log?: Logger): SubgraphRoute[] {
  const routes = mlflowEndpoints.flatMap((endpoint) =>
    endpoint.methods.map((method) => route(service, endpoint, method, log)),
  );
  return [...routes, ...notFoundRoutes()];
}
