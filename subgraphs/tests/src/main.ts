#!/usr/bin/env node
import { runSubgraphProcess } from '@aitip/kit';
import { config } from './config.js';
import { testsSubgraph } from './subgraph.js';

void runSubgraphProcess(testsSubgraph, config());
