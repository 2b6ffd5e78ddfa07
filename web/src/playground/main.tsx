import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
// Registers Monaco's editor, JSON and GraphQL web workers as Vite-bundled workers (no CDN).
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { authorizedFetch } from '../auth/authorized-fetch';
import { readSession } from '../auth/session';
import { GRAPHQL_HTTP_PATH } from '../endpoints';
import { createSubscriptionClient } from '../shell/subscription-client';
import './playground.css';

// Works on any schema, unlike a query against a particular domain.
const DEFAULT_QUERY = `# AITIP GraphQL playground: queries and mutations go to
# ${GRAPHQL_HTTP_PATH} over HTTP, subscriptions over a WebSocket.
# Run with Ctrl+Enter; the Docs pane lists every type.

query SchemaRoots {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
  }
}
`;

// Requests carry the web UI's stored session (and refresh it), so the playground acts as the
// signed-in user in the active organization. Headers typed into GraphiQL's editor (an API key's
// Authorization, another x-aitip-org) win over the session's for queries and mutations;
// subscriptions run over the shell's kind of WebSocket, which authenticates with the session
// (read afresh, with a refreshed token, for every connection).
const session = readSession();
const fetcher = createGraphiQLFetcher({
  url: GRAPHQL_HTTP_PATH,
  fetch: authorizedFetch,
  wsClient: createSubscriptionClient(window.location),
});

const container = document.getElementById('playground');
if (!container) throw new Error('playground.html has no #playground element');

createRoot(container).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY}>
      <GraphiQL.Logo>
        <a className="playground-home" href="/" title="Back to the AITIP web UI">
          AITIP
        </a>{' '}
        playground{' '}
        <span className="playground-identity">
          {session ? (
            <>as {session.user.displayName}</>
          ) : (
            <>
              (signed out: <a href="/login?next=%2Fplayground">sign in</a> to use the API)
            </>
          )}
        </span>
      </GraphiQL.Logo>
    </GraphiQL>
  </StrictMode>,
);
