import { buildFederatedSchema, type SubgraphDefinition } from '@aitip/kit';
import { SchedulerInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { SchedulerTenantIsolation20261126100000 } from '../migrations/20261126100000-tenant-isolation.js';
import { QueueEntryEntity } from './queue-entries/queue-entry.entity.js';
import { queueEntryReference } from './queue-entries/queue-entry.reference.js';
import { QueueEntryResolver } from './queue-entries/queue-entry.resolver.js';
import { QueueEntryStore } from './queue-entries/queue-entry.store.js';
import { PriorityClassEntity } from './priority-classes/priority-class.entity.js';
import { priorityClassReference } from './priority-classes/priority-class.reference.js';
import { PriorityClassResolver } from './priority-classes/priority-class.resolver.js';
import { PriorityClassStore } from './priority-classes/priority-class.store.js';

/** The scheduler subgraph: QueueEntry, PriorityClass, Allocation and SchedulingEvent. */
export const schedulerSubgraph: SubgraphDefinition = {
  name: 'scheduler',
  defaultPort: 4108,
  entities: [QueueEntryEntity, PriorityClassEntity],
  migrations: [SchedulerInitial20261126000000, SchedulerTenantIsolation20261126100000],
  async schema(deps) {
    const queueEntryStore = deps && new QueueEntryStore(deps.db);
    const priorityClassStore = deps && new PriorityClassStore(deps.db);
    return buildFederatedSchema({
      resolvers: [QueueEntryResolver, PriorityClassResolver],
      resolverInstances: queueEntryStore &&
        priorityClassStore && [new QueueEntryResolver(queueEntryStore), new PriorityClassResolver(priorityClassStore)],
      referenceResolvers: queueEntryStore &&
        priorityClassStore && {
          QueueEntry: queueEntryReference(queueEntryStore),
          PriorityClass: priorityClassReference(priorityClassStore),
        },
    });
  },
};
