#!/usr/bin/env node
import { runSubgraphProcess } from '@aitip/kit';
import { config } from './config.js';
import { schedulerSubgraph } from './subgraph.js';

void runSubgraphProcess(schedulerSubgraph, config());
