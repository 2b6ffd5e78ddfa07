#!/usr/bin/env node
import { runSubgraphProcess } from '@aitip/kit';
import { config } from './config.js';
import { releasesSubgraph } from './subgraph.js';

void runSubgraphProcess(releasesSubgraph, config());
