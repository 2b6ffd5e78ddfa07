#!/usr/bin/env node
import { runSubgraphProcess } from '@aitip/kit';
import { config } from './config.js';
import { inferenceSubgraph } from './subgraph.js';

void runSubgraphProcess(inferenceSubgraph, config());
