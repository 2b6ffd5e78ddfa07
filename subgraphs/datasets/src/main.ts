#!/usr/bin/env node
import { runSubgraphProcess } from '@aitip/kit';
import { config } from './config.js';
import { datasetsSubgraph } from './subgraph.js';

void runSubgraphProcess(datasetsSubgraph, config());
