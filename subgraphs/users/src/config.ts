import { loadConfig, subgraphEnvSchema } from '@aitip/kit';
import { usersSubgraph } from './subgraph.js';

/** The users subgraph's configuration; the only place it reads process.env. */
export const config = () => loadConfig('users subgraph', subgraphEnvSchema(usersSubgraph.defaultPort));
