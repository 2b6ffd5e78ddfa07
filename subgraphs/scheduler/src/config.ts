import { loadConfig, subgraphEnvSchema } from '@aitip/kit';
import { schedulerSubgraph } from './subgraph.js';

/** The scheduler subgraph's configuration; the only place it reads process.env. */
export const config = () => loadConfig('scheduler subgraph', subgraphEnvSchema(schedulerSubgraph.defaultPort));
