import { loadConfig, subgraphEnvSchema } from '@aitip/kit';
import { releasesSubgraph } from './subgraph.js';

/** The releases subgraph's configuration; the only place it reads process.env. */
export const config = () => loadConfig('releases subgraph', subgraphEnvSchema(releasesSubgraph.defaultPort));
