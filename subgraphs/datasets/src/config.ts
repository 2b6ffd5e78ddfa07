import { loadConfig, subgraphEnvSchema } from '@aitip/kit';
import { datasetsSubgraph } from './subgraph.js';

/** The datasets subgraph's configuration; the only place it reads process.env. */
export const config = () => loadConfig('datasets subgraph', subgraphEnvSchema(datasetsSubgraph.defaultPort));
