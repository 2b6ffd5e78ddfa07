import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
// Registers Monaco's editor, JSON and GraphQL web workers as Vite-bundled workers (no CDN).
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GRAPHQL_HTTP_PATH, graphqlWebSocketUrl } from '../endpoints';
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

const fetcher = createGraphiQLFetcher({
  url: GRAPHQL_HTTP_PATH,
  subscriptionUrl: graphqlWebSocketUrl(window.location),
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
        playground
      </GraphiQL.Logo>
    </GraphiQL>
  </StrictMode>,
);
