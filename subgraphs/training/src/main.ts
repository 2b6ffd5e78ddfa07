#!/usr/bin/env node
import { runSubgraphProcess } from '@aitip/kit';
import { config } from './config.js';
import { trainingSubgraph } from './subgraph.js';

void runSubgraphProcess(trainingSubgraph, config());
