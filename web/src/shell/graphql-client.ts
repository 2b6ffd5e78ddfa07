import type { Client as WebSocketClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { authorizedFetch } from '../auth/authorized-fetch';
import { GRAPHQL_HTTP_PATH } from '../endpoints';

/**
 * urql client for the shell: queries over HTTP at /graphql, subscriptions over `webSocketClient`,
 * both carrying the stored session. Make a new one when the user or the active organization
 * changes: the cache does not know which organization an answer came from.
 */
export function createShellGraphQLClient(webSocketClient: WebSocketClient): Client {
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
