import { loadConfig, subgraphEnvSchema } from '@aitip/kit';
import { inferenceSubgraph } from './subgraph.js';

/** The inference subgraph's configuration; the only place it reads process.env. */
export const config = () => loadConfig('inference subgraph', subgraphEnvSchema(inferenceSubgraph.defaultPort));
