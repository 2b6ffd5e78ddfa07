import { buildFederatedSchema, streamPubSub, type SubgraphDefinition } from '@aitip/kit';
import { UsersInitial20261126000000 } from '../migrations/20261126000000-initial.js';
import { UsersIdentity20261126100000 } from '../migrations/20261126100000-identity.js';
import { usersSettingsSchema } from './settings.js';
import { createUsersServices } from './services.js';
import { UserEntity } from './users/user.entity.js';
import { UserResolver } from './users/user.resolver.js';
import { userReference } from './users/user.reference.js';
import { ViewerResolver } from './users/viewer.resolver.js';
import { OrganizationEntity } from './organizations/organization.entity.js';
import { OrganizationResolver } from './organizations/organization.resolver.js';
import { organizationReference } from './organizations/organization.reference.js';
import { MembershipEntity } from './memberships/membership.entity.js';
import { MembershipResolver } from './memberships/membership.resolver.js';
import { InvitationEntity } from './invitations/invitation.entity.js';
import { InvitationResolver } from './invitations/invitation.resolver.js';
import { RefreshTokenEntity } from './sessions/refresh-token.entity.js';
import { SessionResolver } from './sessions/session.resolver.js';
import { ApiKeyEntity } from './api-keys/api-key.entity.js';
import { ApiKeyResolver } from './api-keys/api-key.resolver.js';
import { SecretEntity } from './secrets/secret.entity.js';
import { SecretResolver } from './secrets/secret.resolver.js';
import { AuditEventEntity } from './audit/audit-event.entity.js';
import { AuditEventResolver } from './audit/audit-event.resolver.js';
import { AuditEventSubscriptionResolver } from './audit/audit-event.subscription.js';
import { consumeAuditEvents } from './audit/audit.consumer.js';
import { SetupTokenEntity } from './setup/setup-token.entity.js';

/** The users subgraph: accounts, sessions, organizations (tenants), memberships, invitations, API keys, secrets, audit log. */
export const usersSubgraph: SubgraphDefinition = {
  name: 'users',
  defaultPort: 4101,
  entities: [
    UserEntity,
    OrganizationEntity,
    MembershipEntity,
    InvitationEntity,
    RefreshTokenEntity,
    SetupTokenEntity,
    ApiKeyEntity,
    SecretEntity,
    AuditEventEntity,
  ],
  migrations: [UsersInitial20261126000000, UsersIdentity20261126100000],
  settingsSchema: usersSettingsSchema,
  async schema(deps) {
    const services = deps && createUsersServices(deps);
    return buildFederatedSchema({
      resolvers: [
        ViewerResolver,
        UserResolver,
        OrganizationResolver,
        MembershipResolver,
        InvitationResolver,
        SessionResolver,
        ApiKeyResolver,
        SecretResolver,
        AuditEventResolver,
        AuditEventSubscriptionResolver,
      ],
      resolverInstances: services && [
        new ViewerResolver(services.viewer),
        new UserResolver(services.users),
        new OrganizationResolver(services.organizations),
        new MembershipResolver(services.memberships),
        new InvitationResolver(services.invitations),
        new SessionResolver(services.sessions),
        new ApiKeyResolver(services.apiKeys),
        new SecretResolver(services.secrets),
        new AuditEventResolver(services.audit),
        new AuditEventSubscriptionResolver(),
      ],
      // subscriptions tail the organizations' bus streams
      buildOptions: { pubSub: streamPubSub(deps?.resources.bus) },
      referenceResolvers: services && {
        User: userReference(services.users),
        Organization: organizationReference(services.organizations),
      },
    });
  },
  async workers(deps) {
    const services = createUsersServices(deps);
    const consumer = await consumeAuditEvents(
      deps.resources.queue,
      services.auditStore,
      services.organizationEvents,
      deps.logger,
    );
    try {
      await services.setup.prepareFirstRun();
    } catch (err) {
      await consumer.stop();
      throw err;
    }
    return { stop: () => consumer.stop() };
  },
};
