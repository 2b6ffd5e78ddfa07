import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider as GraphQLProvider } from 'urql';
import '../styles.css';
import { App } from './App';
import { createShellGraphQLClient } from './graphql-client';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <GraphQLProvider value={createShellGraphQLClient()}>
      <App />
    </GraphQLProvider>
  </StrictMode>,
);
