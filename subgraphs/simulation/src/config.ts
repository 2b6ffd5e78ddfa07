import { loadConfig, subgraphEnvSchema } from '@aitip/kit';
import { simulationSubgraph } from './subgraph.js';

/** The simulation subgraph's configuration; the only place it reads process.env. */
export const config = () => loadConfig('simulation subgraph', subgraphEnvSchema(simulationSubgraph.defaultPort));
