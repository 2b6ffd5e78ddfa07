import type { ServerResponse } from 'node:http';
import { sendJson } from '@aitip/kit';

/**
 * A refusal the router answers itself before Apollo runs (authentication, limits, body size), so
 * that its code reaches the client as it is.
 */
export class RouterRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Writes a RouterRequestError as a GraphQL-shaped error answer. */
export function sendRouterError(res: ServerResponse, error: RouterRequestError): void {
  sendJson(
    res,
    error.status,
    { errors: [{ message: error.message, extensions: { ...error.extensions, code: error.code } }] },
    error.headers,
  );
}
