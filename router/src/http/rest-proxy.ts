import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import {
  IDENTITY_HEADER,
  REQUEST_ID_HEADER,
  sendJson,
  type Identity,
  type IdentitySigner,
  type Logger,
} from '@aitip/kit';
import { RouterRequestError, sendRouterError } from './request-errors.js';

/** The path prefix under which the router serves subgraphs' HTTP routes: `/api/<subgraph>/…`. */
export const REST_PREFIX = '/api/';

/**
 * MLflow's REST API (`/api/2.0/mlflow/…`) and artifact proxy (`/api/2.0/mlflow-artifacts/…`) sit
 * where MLflow clients look for them, outside `/api/<subgraph>`; the experiments subgraph serves
 * them at `/rest/2.0/mlflow…`.
 */
const MLFLOW_ALIAS = /^\/api(\/2\.0\/mlflow(?:-artifacts)?(?:\/.*)?)$/;
const MLFLOW_SUBGRAPH = 'experiments';

/** MLflow's error code for each refusal the router answers itself. */
const MLFLOW_CODES: Readonly<Record<string, string>> = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'PERMISSION_DENIED',
  RATE_LIMITED: 'REQUEST_LIMIT_EXCEEDED',
  NOT_FOUND: 'ENDPOINT_NOT_FOUND',
  SUBGRAPH_UNAVAILABLE: 'TEMPORARILY_UNAVAILABLE',
};

/** A refusal of an MLflow call in MLflow's shape, `{"error_code", "message"}`, which MLflow clients read. */
function sendMlflowRouterError(res: ServerResponse, error: RouterRequestError): void {
  const code = MLFLOW_CODES[error.code] ?? (error.status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
  sendJson(res, error.status, { error_code: code, message: error.message }, error.headers);
}

/** The subgraph and its route path for an API path: `/api/<subgraph>/<path>`, or the MLflow alias. */
function apiTarget(path: string): { name: string; routePath: string } | null {
  const mlflow = MLFLOW_ALIAS.exec(path);
  if (mlflow) return { name: MLFLOW_SUBGRAPH, routePath: mlflow[1]! };
  const rest = path.slice(REST_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return null;
  return { name: rest.slice(0, slash), routePath: rest.slice(slash) };
}

/** Request headers passed on to the subgraph (the rest, cookies and credentials included, stay here). */
const FORWARDED_REQUEST = ['accept', 'content-type', 'content-length', 'range', 'if-none-match', 'if-modified-since'];
/** Response headers passed back to the client. */
const FORWARDED_RESPONSE = [
  'content-type',
  'content-length',
  'content-disposition',
  'content-range',
  'accept-ranges',
  'etag',
  'last-modified',
  'cache-control',
  'allow',
];

export interface RestProxyOptions {
  /** Base URLs of the subgraphs by name (their `/graphql` URL). */
  subgraphUrls: ReadonlyMap<string, string>;
  signer: IdentitySigner;
  /** Authenticates the caller (anonymous without credentials) and charges the rate limits; throws RouterRequestError. */
  admit(req: IncomingMessage, res: ServerResponse, limits: 'api' | 'tracking'): Promise<Identity>;
  log: Logger;
}

/**
 * Serves `/api/<subgraph>/<path>` by forwarding to the subgraph's `/rest/<path>` with the caller's
 * signed identity, streaming both bodies. The subgraph decides what the identity may do. MLflow's
 * paths (`/api/2.0/mlflow…`) go to the experiments subgraph, and the router's own refusals of them
 * take MLflow's error shape.
 */
export function restProxy(options: RestProxyOptions) {
  return async (req: IncomingMessage, res: ServerResponse, path: string, requestId: string): Promise<void> => {
    const target = apiTarget(path);
    const refuse = MLFLOW_ALIAS.test(path) ? sendMlflowRouterError : sendRouterError;
    const name = target?.name ?? '';
    const base = options.subgraphUrls.get(name);
    if (!target || !base) {
      return refuse(res, new RouterRequestError(404, 'NOT_FOUND', `No API at ${path}; see docs/router.md.`));
    }
    let identity: Identity;
    try {
      // the MLflow API is what training code logs through: it has rate limits of its own
      identity = await options.admit(req, res, MLFLOW_ALIAS.test(path) ? 'tracking' : 'api');
    } catch (err) {
      if (err instanceof RouterRequestError) return refuse(res, err);
      throw err;
    }
    const upstreamUrl = new URL(base);
    const query = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
    const headers: Record<string, string> = {
      [IDENTITY_HEADER]: options.signer.sign(identity),
      [REQUEST_ID_HEADER]: requestId,
    };
    for (const name of FORWARDED_REQUEST) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const upstream = httpRequest({
      host: upstreamUrl.hostname,
      port: upstreamUrl.port,
      method: req.method,
      path: `/rest${target.routePath}${query}`,
      headers,
    });
    const answered = new Promise<IncomingMessage>((resolve, reject) => {
      upstream.once('response', resolve);
      upstream.once('error', reject);
    });
    // the subgraph may answer before it has read the whole body (e.g. refusing an upload by its declared
    // size): its answer goes back at once rather than after the client has sent everything
    const sending = pipeline(req, upstream).then(
      () => null,
      (err: unknown) => err as Error,
    );
    try {
      const answer = await Promise.race([
        answered,
        sending.then(async (failed) => {
          if (failed) throw failed;
          return answered;
        }),
      ]);
      const out: Record<string, string> = {};
      for (const h of FORWARDED_RESPONSE) {
        const value = answer.headers[h];
        if (typeof value === 'string') out[h] = value;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      await pipeline(answer, res);
      await sending;
    } catch (err) {
      // the client went away, or the subgraph did mid-answer
      options.log.warn({ err: (err as Error).message, subgraph: name, path }, 'API request failed');
      if (!res.headersSent) {
        refuse(res, new RouterRequestError(502, 'SUBGRAPH_UNAVAILABLE', `Subgraph "${name}" did not answer.`));
      } else {
        res.destroy();
      }
    }
  };
}
