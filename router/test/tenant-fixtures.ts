import type { SubgraphDefinition } from '@aitip/kit';
import { agentSubgraph } from '@aitip/subgraph-agent';
import { datasetsSubgraph } from '@aitip/subgraph-datasets';
import { experimentsSubgraph } from '@aitip/subgraph-experiments';
import { inferenceSubgraph } from '@aitip/subgraph-inference';
import { releasesSubgraph } from '@aitip/subgraph-releases';
import { resourcesSubgraph } from '@aitip/subgraph-resources';
import { schedulerSubgraph } from '@aitip/subgraph-scheduler';
import { simulationSubgraph } from '@aitip/subgraph-simulation';
import { testsSubgraph } from '@aitip/subgraph-tests';
import { trainingSubgraph } from '@aitip/subgraph-training';

// The domain subgraphs' federation entity types and how to insert a row of each, shared by the tenant
// isolation tests (each subgraph called directly, and the whole platform through the router). Add a new
// entity type here and both suites cover it.

/** One federation entity type (`@key(fields: "id")`) and how to put a row of it in the database. */
export interface EntityCase {
  type: string;
  /** The root lookup by id. */
  query: string;
  table: string;
  /**
   * Inserts one row; `$1` is its id and `$2` its organization (a parent row is made in the same
   * statement where the table needs one). Platform-wide tables take `$1` only.
   */
  insert: string;
  /** Platform-wide rows (no `org_id`): every organization sees them, read-only. */
  shared?: true;
}

export interface SubgraphCase {
  definition: SubgraphDefinition;
  entities: EntityCase[];
}

/** Every domain subgraph and its entity types. */
export const domainEntityCases: SubgraphCase[] = [
  {
    definition: datasetsSubgraph,
    entities: [
      {
        type: 'Dataset',
        query: 'dataset',
        table: 'datasets',
        insert: `INSERT INTO datasets.datasets (id, org_id, name) VALUES ($1, $2, gen_random_uuid()::text)`,
      },
      {
        type: 'DatasetVersion',
        query: 'datasetVersion',
        table: 'dataset_versions',
        insert: `WITH parent AS (INSERT INTO datasets.datasets (org_id, name)
            VALUES ($2, gen_random_uuid()::text) RETURNING id)
          INSERT INTO datasets.dataset_versions (id, org_id, dataset_id, version, status)
          SELECT $1, $2, id, 1, 'ready' FROM parent`,
      },
    ],
  },
  {
    definition: trainingSubgraph,
    entities: [
      {
        type: 'TrainingJob',
        query: 'trainingJob',
        table: 'training_jobs',
        insert: `INSERT INTO training.training_jobs (id, org_id, name, status) VALUES ($1, $2, 'fine-tune', 'QUEUED')`,
      },
    ],
  },
  {
    definition: inferenceSubgraph,
    entities: [
      {
        type: 'Deployment',
        query: 'deployment',
        table: 'deployments',
        insert: `INSERT INTO inference.deployments (id, org_id, name, status)
          VALUES ($1, $2, gen_random_uuid()::text, 'ready')`,
      },
    ],
  },
  {
    definition: experimentsSubgraph,
    entities: [
      {
        type: 'Experiment',
        query: 'experiment',
        table: 'experiments',
        insert: `INSERT INTO experiments.experiments (id, org_id, name, artifact_location)
          VALUES ($1::uuid, $2, gen_random_uuid()::text, 'mlflow-artifacts:/' || $1::text)`,
      },
      {
        type: 'Run',
        query: 'run',
        table: 'runs',
        insert: `WITH parent AS (INSERT INTO experiments.experiments (org_id, name, artifact_location)
            VALUES ($2, gen_random_uuid()::text, 'mlflow-artifacts:/' || gen_random_uuid()) RETURNING id)
          INSERT INTO experiments.runs (id, org_id, experiment_id, status)
          SELECT $1, $2, id, 'RUNNING' FROM parent`,
      },
    ],
  },
  {
    definition: agentSubgraph,
    entities: [
      {
        type: 'Conversation',
        query: 'conversation',
        table: 'conversations',
        insert: `INSERT INTO agent.conversations (id, org_id, title) VALUES ($1, $2, 'why did my job fail')`,
      },
      {
        type: 'AgentTask',
        query: 'agentTask',
        table: 'agent_tasks',
        insert: `INSERT INTO agent.agent_tasks (id, org_id, status) VALUES ($1, $2, 'pending')`,
      },
    ],
  },
  {
    definition: simulationSubgraph,
    entities: [
      {
        type: 'Scenario',
        query: 'scenario',
        table: 'scenarios',
        insert: `INSERT INTO simulation.scenarios (id, org_id, name) VALUES ($1, $2, gen_random_uuid()::text)`,
      },
      {
        type: 'SimulationRun',
        query: 'simulationRun',
        table: 'simulation_runs',
        insert: `WITH parent AS (INSERT INTO simulation.scenarios (org_id, name)
            VALUES ($2, gen_random_uuid()::text) RETURNING id)
          INSERT INTO simulation.simulation_runs (id, org_id, scenario_id, status)
          SELECT $1, $2, id, 'done' FROM parent`,
      },
    ],
  },
  {
    definition: schedulerSubgraph,
    entities: [
      {
        type: 'QueueEntry',
        query: 'queueEntry',
        table: 'queue_entries',
        insert: `INSERT INTO scheduler.queue_entries (id, org_id, job_id, priority, state)
          VALUES ($1, $2, gen_random_uuid(), 10, 'waiting')`,
      },
      {
        type: 'PriorityClass',
        query: 'priorityClass',
        table: 'priority_classes',
        insert: `INSERT INTO scheduler.priority_classes (id, name, value) VALUES ($1, gen_random_uuid()::text, 100)`,
        shared: true,
      },
    ],
  },
  {
    definition: resourcesSubgraph,
    entities: [
      {
        type: 'NodePool',
        query: 'nodePool',
        table: 'node_pools',
        insert: `INSERT INTO resources.node_pools (id, name) VALUES ($1, gen_random_uuid()::text)`,
        shared: true,
      },
      {
        type: 'Node',
        query: 'node',
        table: 'nodes',
        insert: `WITH pool AS (INSERT INTO resources.node_pools (name)
            VALUES (gen_random_uuid()::text) RETURNING id)
          INSERT INTO resources.nodes (id, pool_id, name)
          SELECT $1, id, 'gpu-node-1' FROM pool`,
        shared: true,
      },
    ],
  },
  {
    definition: releasesSubgraph,
    entities: [
      {
        type: 'RegisteredModel',
        query: 'registeredModel',
        table: 'registered_models',
        insert: `INSERT INTO releases.registered_models (id, org_id, name) VALUES ($1, $2, gen_random_uuid()::text)`,
      },
      {
        type: 'ModelVersion',
        query: 'modelVersion',
        table: 'model_versions',
        insert: `WITH parent AS (INSERT INTO releases.registered_models (org_id, name)
            VALUES ($2, gen_random_uuid()::text) RETURNING id)
          INSERT INTO releases.model_versions (id, org_id, model_id, version, status)
          SELECT $1, $2, id, 1, 'staged' FROM parent`,
      },
    ],
  },
  {
    definition: testsSubgraph,
    entities: [
      {
        type: 'TestSuite',
        query: 'testSuite',
        table: 'test_suites',
        insert: `INSERT INTO tests.test_suites (id, org_id, name) VALUES ($1, $2, gen_random_uuid()::text)`,
      },
      {
        type: 'TestRun',
        query: 'testRun',
        table: 'test_runs',
        insert: `WITH parent AS (INSERT INTO tests.test_suites (org_id, name)
            VALUES ($2, gen_random_uuid()::text) RETURNING id)
          INSERT INTO tests.test_runs (id, org_id, suite_id, status)
          SELECT $1, $2, id, 'passed' FROM parent`,
      },
    ],
  },
];
