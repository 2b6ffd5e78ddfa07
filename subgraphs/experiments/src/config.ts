import { loadConfig, subgraphEnvSchema } from '@aitip/kit';
import { experimentsSubgraph } from './subgraph.js';

/** The experiments subgraph's configuration; the only place it reads process.env. */
export const config = () => loadConfig('experiments subgraph', subgraphEnvSchema(experimentsSubgraph.defaultPort));
