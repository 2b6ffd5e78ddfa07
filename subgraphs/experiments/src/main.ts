#!/usr/bin/env node
import { runSubgraphProcess } from '@aitip/kit';
import { config } from './config.js';
import { experimentsSubgraph } from './subgraph.js';

void runSubgraphProcess(experimentsSubgraph, config());
