#!/usr/bin/env node
import { runSubgraphProcess } from '@aitip/kit';
import { config } from './config.js';
import { usersSubgraph } from './subgraph.js';

void runSubgraphProcess(usersSubgraph, config());
