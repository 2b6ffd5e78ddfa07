import { requireOrg, type Identity } from '@aitip/kit';
import type { Actor } from './api.js';

/** The tracking service's caller for a GraphQL or REST request: its organization and user. */
export function actorOf(identity: Identity): Actor {
  return { orgId: requireOrg(identity), userId: identity.userId ?? null };
}
