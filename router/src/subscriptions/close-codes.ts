/**
 * WebSocket close codes the router uses on subscription connections (graphql-ws), documented in
 * docs/router.md. graphql-ws itself uses 4400 (bad message), 4406, 4408 (no connection_init in
 * time), 4409 (duplicate id), 4429 (too many init requests) and 4500 (internal error).
 */
export const CloseCode = {
  /** No valid credentials, or the access token expired, the session was signed out or the API key revoked. */
  Unauthenticated: 4401,
  /** The principal lost its membership in the organization it acts in. */
  Forbidden: 4403,
  /** The principal already holds the most connections allowed (SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL). */
  TooManyConnections: 4429,
  /** The client did not read its events fast enough: its bounded buffer filled up. */
  SlowConsumer: 4413,
  /** Credentials could not be checked now (the users subgraph is unavailable); reconnect later. */
  Unavailable: 4503,
  /** The router is shutting down; reconnect (to another router). */
  GoingAway: 1001,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
