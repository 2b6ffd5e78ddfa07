#!/usr/bin/env node
import { runSubgraphProcess } from '@aitip/kit';
import { config } from './config.js';
import { simulationSubgraph } from './subgraph.js';

void runSubgraphProcess(simulationSubgraph, config());
