#!/usr/bin/env node
import { runSubgraphProcess } from '@aitip/kit';
import { config } from './config.js';
import { resourcesSubgraph } from './subgraph.js';

void runSubgraphProcess(resourcesSubgraph, config());
