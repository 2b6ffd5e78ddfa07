import { loadConfig, subgraphEnvSchema } from '@aitip/kit';
import { resourcesSubgraph } from './subgraph.js';

/** The resources subgraph's configuration; the only place it reads process.env. */
export const config = () => loadConfig('resources subgraph', subgraphEnvSchema(resourcesSubgraph.defaultPort));
