import type { SubgraphDependencies } from '@aitip/kit';
import { usersSettingsSchema, type UsersSettings } from './settings.js';
import { RevocationPublisher } from './revocations.js';
import { UserStore } from './users/user.store.js';
import { UserService } from './users/user.service.js';
import { ViewerService } from './users/viewer.service.js';
import { OrganizationStore } from './organizations/organization.store.js';
import { OrganizationService } from './organizations/organization.service.js';
import { MembershipStore } from './memberships/membership.store.js';
import { MembershipService } from './memberships/membership.service.js';
import { InvitationStore } from './invitations/invitation.store.js';
import { InvitationService } from './invitations/invitation.service.js';
import { RefreshTokenStore } from './sessions/refresh-token.store.js';
import { SessionService } from './sessions/session.service.js';
import { PasswordHasher } from './sessions/passwords.js';
import { LoginThrottle } from './sessions/login-throttle.js';
import { ApiKeyStore } from './api-keys/api-key.store.js';
import { ApiKeyService } from './api-keys/api-key.service.js';
import { SecretStore } from './secrets/secret.store.js';
import { SecretService } from './secrets/secret.service.js';
import { SecretCipher } from './secrets/secret-cipher.js';
import { AuditEventStore } from './audit/audit-event.store.js';
import { AuditEventService } from './audit/audit-event.service.js';
import { OrganizationEventFeed } from './audit/organization-events.js';
import { SetupTokenStore } from './setup/setup-token.store.js';
import { SetupService } from './setup/setup.service.js';

/** The users subgraph's services, wired with their stores on the subgraph's database and platform resources. */
export function createUsersServices(deps: SubgraphDependencies) {
  const { db, resources, logger } = deps;
  // startSubgraph parsed the settings with usersSettingsSchema; parsing again fills defaults when it did not
  const settings: UsersSettings = usersSettingsSchema.parse(deps.settings);
  const revocations = new RevocationPublisher(resources.bus, logger);
  const users = new UserStore(db);
  const organizationStore = new OrganizationStore(db);
  const membershipStore = new MembershipStore(db);
  const memberships = new MembershipService(membershipStore, users, revocations);
  const invitations = new InvitationService(db, new InvitationStore(db), membershipStore, memberships, users);
  const setup = new SetupService(new SetupTokenStore(db), users, settings, logger);
  const apiKeys = new ApiKeyService(new ApiKeyStore(db), users, membershipStore, revocations);
  const auditStore = new AuditEventStore(db);
  return {
    settings,
    users: new UserService(users, membershipStore),
    viewer: new ViewerService(users, apiKeys, organizationStore),
    organizations: new OrganizationService(db, organizationStore, membershipStore, memberships),
    memberships,
    invitations,
    sessions: new SessionService({
      db,
      users,
      tokens: new RefreshTokenStore(db),
      organizations: organizationStore,
      memberships: membershipStore,
      membershipService: memberships,
      invitations,
      setup,
      passwords: new PasswordHasher(),
      throttle: new LoginThrottle(resources.rateLimiter),
      revocations,
      keys: resources.keys,
      settings,
    }),
    apiKeys,
    secrets: new SecretService(new SecretStore(db), new SecretCipher(resources.keys.masterKey)),
    audit: new AuditEventService(auditStore),
    auditStore,
    organizationEvents: new OrganizationEventFeed(resources.bus),
    setup,
  };
}

export type UsersServices = ReturnType<typeof createUsersServices>;
