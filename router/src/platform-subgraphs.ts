import type { SubgraphDefinition } from '@aitip/kit';
import { usersSubgraph } from '@aitip/subgraph-users';
import { datasetsSubgraph } from '@aitip/subgraph-datasets';
import { trainingSubgraph } from '@aitip/subgraph-training';
import { inferenceSubgraph } from '@aitip/subgraph-inference';
import { experimentsSubgraph } from '@aitip/subgraph-experiments';
import { agentSubgraph } from '@aitip/subgraph-agent';
import { simulationSubgraph } from '@aitip/subgraph-simulation';
import { schedulerSubgraph } from '@aitip/subgraph-scheduler';
import { resourcesSubgraph } from '@aitip/subgraph-resources';
import { releasesSubgraph } from '@aitip/subgraph-releases';
import { testsSubgraph } from '@aitip/subgraph-tests';

/** Every AITIP subgraph, in the order of ARCHITECTURE.md. */
export const platformSubgraphs: SubgraphDefinition[] = [
  usersSubgraph,
  datasetsSubgraph,
  trainingSubgraph,
  inferenceSubgraph,
  experimentsSubgraph,
  agentSubgraph,
  simulationSubgraph,
  schedulerSubgraph,
  resourcesSubgraph,
  releasesSubgraph,
  testsSubgraph,
];
