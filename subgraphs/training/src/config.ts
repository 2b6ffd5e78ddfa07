import { loadConfig, subgraphEnvSchema } from '@aitip/kit';
import { trainingSubgraph } from './subgraph.js';

/** The training subgraph's configuration; the only place it reads process.env. */
export const config = () => loadConfig('training subgraph', subgraphEnvSchema(trainingSubgraph.defaultPort));
