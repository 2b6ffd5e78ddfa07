import { loadConfig, subgraphEnvSchema } from '@aitip/kit';
import { agentSubgraph } from './subgraph.js';

/** The agent subgraph's configuration; the only place it reads process.env. */
export const config = () => loadConfig('agent subgraph', subgraphEnvSchema(agentSubgraph.defaultPort));
