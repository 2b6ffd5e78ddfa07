import type { IncomingMessage, ServerResponse } from 'node:http';
import { REQUEST_ID_HEADER } from '@aitip/kit';

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const ALLOWED_HEADERS = `authorization, content-type, x-aitip-org, ${REQUEST_ID_HEADER}, apollo-require-preflight`;
const EXPOSED_HEADERS = `RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Retry-After, ${REQUEST_ID_HEADER}`;
/** Browsers cache a preflight for at most 2 h (Chromium) or 24 h (Firefox). */
const MAX_AGE_SECONDS = '7200';

/**
 * Cross-origin access to /graphql for the configured origins only. Credentials travel in the
 * Authorization header, never in cookies, so allowing an origin lets its pages call the API with a
 * token they hold; it never lends them the user's session.
 */
export class CorsPolicy {
  private readonly any: boolean;
  private readonly origins: Set<string>;

  constructor(origins: readonly string[]) {
    this.any = origins.includes('*');
    this.origins = new Set(origins);
  }

  private allowed(origin: string | undefined): origin is string {
    return origin !== undefined && (this.any || this.origins.has(origin));
  }

  /** Adds the CORS headers to an actual request from an allowed origin. */
  decorate(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (!this.allowed(origin)) return;
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    res.setHeader('vary', 'Origin');
  }

  /** Answers an OPTIONS preflight: 204 with the allowances for a listed origin, 403 otherwise. */
  preflight(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (!this.allowed(origin)) {
      const text = JSON.stringify({
        error:
          origin === undefined
            ? 'A CORS preflight needs an Origin header.'
            : `The origin ${origin} may not call this API from a browser. Add it to CORS_ORIGINS on the router.`,
      });
      res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', vary: 'Origin' });
      res.end(text);
      return;
    }
    res.writeHead(204, {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': ALLOWED_METHODS,
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': MAX_AGE_SECONDS,
      vary: 'Origin',
    });
    res.end();
  }
}
