import { buildFederatedSchema, type SubgraphDefinition } from '@aitip/kit';
import { ResourcesInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { ResourcesTenantIsolation20261126100000 } from '../migrations/20261126100000-tenant-isolation.js';
import { NodePoolEntity } from './node-pools/node-pool.entity.js';
import { nodePoolReference } from './node-pools/node-pool.reference.js';
import { NodePoolResolver } from './node-pools/node-pool.resolver.js';
import { NodePoolStore } from './node-pools/node-pool.store.js';
import { NodeEntity } from './nodes/node.entity.js';
import { nodeReference } from './nodes/node.reference.js';
import { NodeResolver } from './nodes/node.resolver.js';
import { NodeStore } from './nodes/node.store.js';

/** The resources subgraph: NodePool, Node, Device (GPU), Quota, UsageRecord and Invoice. */
export const resourcesSubgraph: SubgraphDefinition = {
  name: 'resources',
  defaultPort: 4109,
  entities: [NodePoolEntity, NodeEntity],
  migrations: [ResourcesInitial20261126000000, ResourcesTenantIsolation20261126100000],
  async schema(deps) {
    const nodePoolStore = deps && new NodePoolStore(deps.db);
    const nodeStore = deps && new NodeStore(deps.db);
    return buildFederatedSchema({
      resolvers: [NodePoolResolver, NodeResolver],
      resolverInstances: nodePoolStore &&
        nodeStore && [new NodePoolResolver(nodePoolStore), new NodeResolver(nodeStore)],
      referenceResolvers: nodePoolStore &&
        nodeStore && { NodePool: nodePoolReference(nodePoolStore), Node: nodeReference(nodeStore) },
    });
  },
};
