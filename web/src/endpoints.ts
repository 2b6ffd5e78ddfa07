/** Path of the router's GraphQL endpoint for queries and mutations (same origin as the page). */
export const GRAPHQL_HTTP_PATH = '/graphql';

/** Path of the router's readiness report: one entry per subgraph. */
export const READINESS_PATH = '/readyz';

/** WebSocket URL (graphql-ws protocol) for subscriptions on the origin that served `location`. */
export function graphqlWebSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${GRAPHQL_HTTP_PATH}`;
}
