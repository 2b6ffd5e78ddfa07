import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { IDENTITY_HEADER, REQUEST_ID_HEADER, type Identity, type IdentitySigner, type Logger } from '@aitip/kit';
import { RouterRequestError, sendRouterError } from './request-errors.js';

/** The path prefix under which the router serves subgraphs' HTTP routes: `/api/<subgraph>/…`. */
export const REST_PREFIX = '/api/';

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
  admit(req: IncomingMessage, res: ServerResponse): Promise<Identity>;
  log: Logger;
}

/**
 * Serves `/api/<subgraph>/<path>` by forwarding to the subgraph's `/rest/<path>` with the caller's
 * signed identity, streaming both bodies. The subgraph decides what the identity may do.
 */
export function restProxy(options: RestProxyOptions) {
  return async (req: IncomingMessage, res: ServerResponse, path: string, requestId: string): Promise<void> => {
    const rest = path.slice(REST_PREFIX.length);
    const slash = rest.indexOf('/');
    const name = slash < 0 ? rest : rest.slice(0, slash);
    const base = options.subgraphUrls.get(name);
    if (!base || slash < 0) {
      return sendRouterError(res, new RouterRequestError(404, 'NOT_FOUND', `No API at ${path}; see docs/router.md.`));
    }
    let identity: Identity;
    try {
      identity = await options.admit(req, res);
    } catch (err) {
      if (err instanceof RouterRequestError) return sendRouterError(res, err);
      throw err;
    }
    const target = new URL(base);
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
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: `/rest${rest.slice(slash)}${query}`,
      headers,
    });
    const answered = new Promise<IncomingMessage>((resolve, reject) => {
      upstream.once('response', resolve);
      upstream.once('error', reject);
    });
    try {
      await pipeline(req, upstream);
      const answer = await answered;
      const out: Record<string, string> = {};
      for (const h of FORWARDED_RESPONSE) {
        const value = answer.headers[h];
        if (typeof value === 'string') out[h] = value;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      await pipeline(answer, res);
    } catch (err) {
      // the client went away, or the subgraph did mid-answer
      options.log.warn({ err: (err as Error).message, subgraph: name, path }, 'API request failed');
      if (!res.headersSent) {
        sendRouterError(res, new RouterRequestError(502, 'SUBGRAPH_UNAVAILABLE', `Subgraph "${name}" did not answer.`));
      } else {
        res.destroy();
      }
    }
  };
}
