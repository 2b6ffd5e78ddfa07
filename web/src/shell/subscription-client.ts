import { createContext, useContext } from 'react';
import { createClient as createWebSocketClient, type Client as WebSocketClient } from 'graphql-ws';
import { freshSessionHeaders } from '../auth/authorized-fetch';
import { setActiveOrganization } from '../auth/session';
import { graphqlWebSocketUrl } from '../endpoints';

/** Close code the router uses when the principal is no longer a member of the organization it acts in. */
const FORBIDDEN_CLOSE_CODE = 4403;

/**
 * graphql-ws client for the router's `/graphql` WebSocket. It authenticates in `connection_init`
 * with the stored session (Authorization and x-aitip-org in `connectionParams`), read afresh
 * for every connection so a reconnect presents a refreshed access token. Make a new one (and
 * dispose of the old) when the user or the active organization changes.
 */
export function createSubscriptionClient(location: Pick<Location, 'protocol' | 'host'> = window.location) {
  const client = createWebSocketClient({
    url: graphqlWebSocketUrl(location),
    // The socket opens on the first subscription and closes when the last one ends.
    lazy: true,
    retryAttempts: 5,
    connectionParams: freshSessionHeaders,
  });
  client.on('closed', (event) => {
    // Like authorizedFetch on a 403: forget the stale organization, the switcher picks another.
    if ((event as { code?: unknown } | undefined)?.code === FORBIDDEN_CLOSE_CODE) setActiveOrganization(null);
  });
  return client;
}

/** The shell's graphql-ws client (one per user and active organization); null outside the shell. */
export const SubscriptionClientContext = createContext<WebSocketClient | null>(null);

/** The shell's graphql-ws client, for pages that follow a subscription themselves. */
export function useSubscriptionClient(): WebSocketClient {
  const client = useContext(SubscriptionClientContext);
  if (!client) throw new Error('useSubscriptionClient needs the shell (SubscriptionClientContext) above it');
  return client;
}
