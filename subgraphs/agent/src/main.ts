#!/usr/bin/env node
import { runSubgraphProcess } from '@aitip/kit';
import { config } from './config.js';
import { agentSubgraph } from './subgraph.js';

void runSubgraphProcess(agentSubgraph, config());
