import { createClient as createWebSocketClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { authorizedFetch, sessionHeaders } from '../auth/authorized-fetch';
import { readSession } from '../auth/session';
import { GRAPHQL_HTTP_PATH, graphqlWebSocketUrl } from '../endpoints';

/**
 * urql client for the shell: queries over HTTP at /graphql, subscriptions over graphql-ws, both
 * carrying the stored session. Make a new one when the user or the active organization changes:
 * the cache does not know which organization an answer came from.
 */
export function createShellGraphQLClient(location: Location = window.location): Client {
  // Lazy: the socket opens on the first subscription and closes when the last one ends.
  const webSocketClient = createWebSocketClient({
    url: graphqlWebSocketUrl(location),
    lazy: true,
    retryAttempts: 5,
    connectionParams: () => sessionHeaders(readSession()),
  });

  return new Client({
    url: GRAPHQL_HTTP_PATH,
    // The router's CSRF protection refuses GET requests without a preflight-forcing header.
    preferGetMethod: false,
    fetch: authorizedFetch,
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const operation = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = webSocketClient.subscribe(operation, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
