import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AitipError, HTTP_STATUS_BY_CODE } from '../errors.js';
import type { Identity } from '../identity.js';
import type { Logger } from '../log.js';
import { sendJson } from './http.js';

/** What a subgraph HTTP route handler receives besides the request and response. */
export interface RouteContext {
  /** The caller as the router authenticated it (anonymous when the request carried no credentials). */
  identity: Identity;
  requestId: string;
  log: Logger;
  /** The groups the route's path pattern captured. */
  params: string[];
  /** The query string's parameters. */
  query: URLSearchParams;
}

/**
 * A plain HTTP endpoint of a subgraph (for what GraphQL carries badly: streamed downloads, REST
 * APIs other tools speak). The router serves it at `/api/<subgraph><path>` and forwards the
 * caller's identity; the subgraph serves it at `/rest<path>` to the router only.
 */
export interface SubgraphRoute {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Matched against the path after the prefix, e.g. `^/versions/([0-9a-f-]{36})/archive$`. */
  path: RegExp;
  handler(req: IncomingMessage, res: ServerResponse, context: RouteContext): Promise<void>;
}

/** Answers a route's failure as JSON `{ error: { code, message } }` with the matching status. */
export function sendRouteError(res: ServerResponse, err: unknown, log: Logger): void {
  if (res.headersSent) {
    log.warn({ err }, 'route failed after its answer started; closing the connection');
    res.destroy();
    return;
  }
  if (err instanceof AitipError) {
    sendJson(res, HTTP_STATUS_BY_CODE[err.code] ?? 400, { error: { code: err.code, message: err.message } });
    return;
  }
  log.error({ err }, 'route failed');
  sendJson(res, 500, { error: { code: 'INTERNAL', message: 'Internal error; see the subgraph log.' } });
}

/**
 * Signs URLs a subgraph hands out (e.g. a download link that works without the caller's
 * credentials until it expires), with a key derived from the internal secret.
 */
export class UrlSigner {
  private readonly key: Buffer;

  constructor(internalSecret: string) {
    this.key = createHmac('sha256', internalSecret).update('aitip url signing').digest();
  }

  /** `expires` (seconds since the epoch) and `signature` query parameters for `subject`. */
  sign(subject: string, ttlSeconds: number): { expires: string; signature: string } {
    const expires = String(Math.floor(Date.now() / 1000) + ttlSeconds);
    return { expires, signature: this.mac(subject, expires) };
  }

  /** Whether `signature` signs `subject` until `expires`, and `expires` has not passed. */
  verify(subject: string, expires: string | null, signature: string | null): boolean {
    if (!expires || !signature || !/^\d{1,12}$/.test(expires)) return false;
    if (Number(expires) < Date.now() / 1000) return false;
    const expected = Buffer.from(this.mac(subject, expires));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private mac(subject: string, expires: string): string {
    return createHmac('sha256', this.key).update(`${subject}\n${expires}`).digest('base64url');
  }
}
