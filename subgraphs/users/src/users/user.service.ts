import { type Identity } from '@aitip/kit';
import type { UserEntity } from './user.entity.js';
import type { UserStore } from './user.store.js';
import type { MembershipStore } from '../memberships/membership.store.js';

/** Which accounts a caller may see: themself and the members of their active organization. */
export class UserService {
  constructor(
    private readonly store: UserStore,
    private readonly memberships: MembershipStore,
  ) {}

  /** The user with `id` when visible to the caller, else null. */
  async visible(identity: Identity, id: string): Promise<UserEntity | null> {
    const [user] = await this.references(identity, [id]);
    return user ?? null;
  }

  /** The users among `ids` the caller may see (the platform sees all). */
  async references(identity: Identity, ids: readonly string[]): Promise<UserEntity[]> {
    if (identity.kind === 'system') return this.store.findByIds(ids);
    const visible = new Set(ids.filter((id) => id === identity.userId));
    const orgId = identity.orgId;
    const others = ids.filter((id) => !visible.has(id));
    if (orgId && others.length) {
      const members = await this.memberships.tenant(orgId, (m) => this.memberships.membersAmong(m, orgId, others));
      for (const id of members) visible.add(id);
    }
    return this.store.findByIds([...visible]);
  }
}
