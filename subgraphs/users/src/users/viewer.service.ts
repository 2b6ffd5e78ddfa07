import type { Identity } from '@aitip/kit';
import type { Viewer } from './viewer.type.js';
import type { UserStore } from './user.store.js';
import { toUser } from './user.type.js';
import type { ApiKeyService } from '../api-keys/api-key.service.js';
import type { OrganizationStore } from '../organizations/organization.store.js';
import { identityRole, roleValue } from '../role.js';

/** The caller as the router verified it; user, API key and organization load only when asked for. */
export interface ViewerRoot extends Pick<Viewer, 'kind' | 'role' | 'scopes'> {
  identity: Identity;
}

/** Describes the caller from the identity the router verified. */
export class ViewerService {
  constructor(
    private readonly users: UserStore,
    private readonly apiKeys: ApiKeyService,
    private readonly organizations: OrganizationStore,
  ) {}

  viewer(identity: Identity): ViewerRoot {
    const role = identityRole(identity.roles);
    return { identity, kind: identity.kind, role: role ? roleValue(role) : null, scopes: identity.scopes };
  }

  async user(identity: Identity): Promise<Viewer['user']> {
    const signedIn = identity.kind === 'user' || identity.kind === 'service';
    const user = signedIn && identity.userId ? await this.users.findById(identity.userId) : null;
    return user && toUser(user);
  }

  apiKey(identity: Identity): Promise<Viewer['apiKey']> {
    return identity.kind === 'service' ? this.apiKeys.current(identity) : Promise.resolve(null);
  }

  async organization(identity: Identity): Promise<Viewer['organization']> {
    const signedIn = identity.kind === 'user' || identity.kind === 'service';
    return signedIn && identity.orgId ? this.organizations.findById(identity.orgId) : null;
  }
}
