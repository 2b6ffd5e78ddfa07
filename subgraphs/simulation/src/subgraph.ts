import { buildFederatedSchema, type SubgraphDefinition } from '@aitip/kit';
import { SimulationInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { SimulationTenantIsolation20261126100000 } from '../migrations/20261126100000-tenant-isolation.js';
import { ScenarioEntity } from './scenarios/scenario.entity.js';
import { scenarioReference } from './scenarios/scenario.reference.js';
import { ScenarioResolver } from './scenarios/scenario.resolver.js';
import { ScenarioStore } from './scenarios/scenario.store.js';
import { SimulationRunEntity } from './simulation-runs/simulation-run.entity.js';
import { simulationRunReference } from './simulation-runs/simulation-run.reference.js';
import { SimulationRunResolver } from './simulation-runs/simulation-run.resolver.js';
import { SimulationRunStore } from './simulation-runs/simulation-run.store.js';

/** The simulation subgraph: Scenario, SimulationRun, Finding and Report. */
export const simulationSubgraph: SubgraphDefinition = {
  name: 'simulation',
  defaultPort: 4107,
  entities: [ScenarioEntity, SimulationRunEntity],
  migrations: [SimulationInitial20261126000000, SimulationTenantIsolation20261126100000],
  async schema(deps) {
    const scenarioStore = deps && new ScenarioStore(deps.db);
    const simulationRunStore = deps && new SimulationRunStore(deps.db);
    return buildFederatedSchema({
      resolvers: [ScenarioResolver, SimulationRunResolver],
      resolverInstances: scenarioStore &&
        simulationRunStore && [new ScenarioResolver(scenarioStore), new SimulationRunResolver(simulationRunStore)],
      referenceResolvers: scenarioStore &&
        simulationRunStore && {
          Scenario: scenarioReference(scenarioStore),
          SimulationRun: simulationRunReference(simulationRunStore),
        },
    });
  },
};
