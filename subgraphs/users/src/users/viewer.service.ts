import type { Identity } from '@aitip/kit';
import type { Viewer } from './viewer.type.js';
import type { UserStore } from './user.store.js';
import { toUser } from './user.type.js';
import type { ApiKeyService } from '../api-keys/api-key.service.js';
import type { OrganizationStore } from '../organizations/organization.store.js';
import { identityRole, roleValue } from '../role.js';

/** Describes the caller from the identity the router verified. */
export class ViewerService {
  constructor(
    private readonly users: UserStore,
    private readonly apiKeys: ApiKeyService,
    private readonly organizations: OrganizationStore,
  ) {}

  async viewer(identity: Identity): Promise<Viewer> {
    const signedIn = identity.kind === 'user' || identity.kind === 'service';
    const user = signedIn && identity.userId ? await this.users.findById(identity.userId) : null;
    const role = identityRole(identity.roles);
    return {
      kind: identity.kind,
      user: user && toUser(user),
      apiKey: identity.kind === 'service' ? await this.apiKeys.current(identity) : null,
      organization: signedIn && identity.orgId ? await this.organizations.findById(identity.orgId) : null,
      role: role ? roleValue(role) : null,
      scopes: identity.scopes,
    };
  }
}
