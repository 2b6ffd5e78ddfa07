import { loadConfig, subgraphEnvSchema } from '@aitip/kit';
import { testsSubgraph } from './subgraph.js';

/** The tests subgraph's configuration; the only place it reads process.env. */
export const config = () => loadConfig('tests subgraph', subgraphEnvSchema(testsSubgraph.defaultPort));
