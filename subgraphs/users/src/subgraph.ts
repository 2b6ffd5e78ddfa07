import { buildFederatedSchema, type SubgraphDefinition } from '@aitip/kit';
import { UsersInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { OrganizationEntity } from './organizations/organization.entity.js';
import { organizationReference } from './organizations/organization.reference.js';
import { OrganizationResolver } from './organizations/organization.resolver.js';
import { OrganizationStore } from './organizations/organization.store.js';
import { UserEntity } from './users/user.entity.js';
import { userReference } from './users/user.reference.js';
import { UserResolver } from './users/user.resolver.js';
import { UserStore } from './users/user.store.js';

/** The users subgraph: users, organizations (tenants), memberships, API keys, audit events. */
export const usersSubgraph: SubgraphDefinition = {
  name: 'users',
  defaultPort: 4101,
  entities: [UserEntity, OrganizationEntity],
  migrations: [UsersInitial20261126000000],
  async schema(deps) {
    const users = deps && new UserStore(deps.db);
    const organizations = deps && new OrganizationStore(deps.db);
    return buildFederatedSchema({
      resolvers: [UserResolver, OrganizationResolver],
      resolverInstances: users && organizations && [new UserResolver(users), new OrganizationResolver(organizations)],
      referenceResolvers: users &&
        organizations && { User: userReference(users), Organization: organizationReference(organizations) },
    });
  },
};
