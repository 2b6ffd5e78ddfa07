import { createClient as createWebSocketClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { GRAPHQL_HTTP_PATH, graphqlWebSocketUrl } from '../endpoints';

/** urql client for the shell: queries over HTTP at /graphql, subscriptions over graphql-ws. */
export function createShellGraphQLClient(location: Location = window.location): Client {
  // Lazy: the socket opens on the first subscription and closes when the last one ends.
  const webSocketClient = createWebSocketClient({
    url: graphqlWebSocketUrl(location),
    lazy: true,
    retryAttempts: 5,
  });

  return new Client({
    url: GRAPHQL_HTTP_PATH,
    // The router's CSRF protection refuses GET requests without a preflight-forcing header.
    preferGetMethod: false,
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
