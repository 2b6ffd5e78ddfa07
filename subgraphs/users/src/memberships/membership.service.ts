import { ForbiddenError, NotFoundError, requireOrg, scopeAllows, type Identity, type Role } from '@aitip/kit';
import type { EntityManager } from 'typeorm';
import type { MembershipEntity } from './membership.entity.js';
import type { MembershipStore } from './membership.store.js';
import type { Membership, MembershipPrincipal, OrganizationMembership } from './membership.type.js';
import type { UserStore } from '../users/user.store.js';
import { toUser } from '../users/user.type.js';
import { roleValue } from '../role.js';
import type { RevocationPublisher } from '../revocations.js';

const LAST_OWNER = 'Make another member an owner first.';

/** Who belongs to which organization, and the rules for changing it (owners, the last owner). */
export class MembershipService {
  constructor(
    private readonly store: MembershipStore,
    private readonly users: UserStore,
    private readonly revocations: RevocationPublisher,
  ) {}

  /** The members of the caller's active organization. */
  async members(identity: Identity): Promise<Membership[]> {
    const orgId = requireOrg(identity);
    const rows = await this.store.tenant(orgId, (m) => this.store.listInOrg(m, orgId));
    return this.withUsers(rows);
  }

  /** Changes a member's role; only owners make or unmake owners, and the last owner stays one. */
  async changeRole(identity: Identity, userId: string, role: Role): Promise<Membership> {
    const orgId = requireOrg(identity);
    const changed = await this.store.tenant(orgId, async (m) => {
      const target = await this.lockMember(m, orgId, userId);
      if (target.role === role) return target;
      if (role === 'owner' || target.role === 'owner') this.requireOwner(identity);
      if (target.role === 'owner' && (await this.store.lockOwners(m, orgId)) <= 1) {
        throw new ForbiddenError(`This is the organization's last owner. ${LAST_OWNER}`);
      }
      await this.store.setRole(m, orgId, userId, role);
      return { ...target, role };
    });
    await this.revocations.publish({ type: 'membership', userId, orgId });
    const [membership] = await this.withUsers([changed]);
    if (!membership) throw new NotFoundError('That account no longer exists.');
    return membership;
  }

  /** Removes a member from the caller's active organization. */
  async remove(identity: Identity, userId: string): Promise<boolean> {
    const orgId = requireOrg(identity);
    await this.store.tenant(orgId, async (m) => {
      const target = await this.lockMember(m, orgId, userId);
      if (target.role === 'owner') {
        this.requireOwner(identity);
        if ((await this.store.lockOwners(m, orgId)) <= 1) {
          throw new ForbiddenError(`This is the organization's last owner and cannot be removed. ${LAST_OWNER}`);
        }
      }
      await this.store.remove(m, orgId, userId);
    });
    await this.revocations.publish({ type: 'membership', userId, orgId });
    return true;
  }

  /** The signed-in person leaves their active organization. */
  async leave(identity: Identity): Promise<boolean> {
    const orgId = requireOrg(identity);
    const userId = identity.userId;
    if (identity.kind !== 'user' || !userId) {
      throw new ForbiddenError('Only a signed-in person can leave an organization; API keys cannot.');
    }
    await this.store.tenant(orgId, async (m) => {
      const self = await this.lockMember(m, orgId, userId);
      if (self.role === 'owner' && (await this.store.lockOwners(m, orgId)) <= 1) {
        throw new ForbiddenError(`You are the last owner of this organization and cannot leave it. ${LAST_OWNER}`);
      }
      await this.store.remove(m, orgId, userId);
    });
    await this.revocations.publish({ type: 'membership', userId, orgId });
    return true;
  }

  /** The caller's own organizations (an API key sees only its own). */
  async myOrganizations(identity: Identity): Promise<OrganizationMembership[]> {
    if (!identity.userId) return [];
    const rows = await this.store.ownerListForUser(identity.userId);
    return rows
      .filter(({ organization }) => identity.kind !== 'service' || organization.id === identity.orgId)
      .map(({ membership, organization }) => ({ organization, role: roleValue(membership.role) }));
  }

  /** The router's lookup: the role of `userId` in the organization with id or slug `org`, or null. */
  async principal(userId: string, org: string): Promise<MembershipPrincipal | null> {
    const row = await this.store.ownerFindByOrgRef(userId, org);
    return row ? { orgId: row.orgId, role: roleValue(row.role) } : null;
  }

  /** The organization a new session starts in: the oldest membership's. */
  async defaultOrgId(userId: string, manager?: EntityManager): Promise<string | undefined> {
    const rows = await this.store.ownerListForUser(userId, manager);
    return rows[0]?.organization.id;
  }

  /** Announces that `userId`'s membership of `orgId` changed. */
  changed(userId: string, orgId: string): Promise<void> {
    return this.revocations.publish({ type: 'membership', userId, orgId });
  }

  /** Attaches each membership's user (loaded on the owner connection by the ids the tenant query returned). */
  async withUsers(rows: MembershipEntity[]): Promise<Membership[]> {
    const users = new Map((await this.users.findByIds(rows.map((r) => r.userId))).map((u) => [u.id, u]));
    return rows.flatMap((row) => {
      const user = users.get(row.userId);
      return user
        ? [{ id: row.id, orgId: row.orgId, user: toUser(user), role: roleValue(row.role), createdAt: row.createdAt }]
        : [];
    });
  }

  private async lockMember(m: EntityManager, orgId: string, userId: string): Promise<MembershipEntity> {
    const target = await this.store.find(m, orgId, userId, true);
    if (!target) throw new NotFoundError('That user is not a member of this organization; `members` lists who is.');
    return target;
  }

  private requireOwner(identity: Identity): void {
    if (!scopeAllows(identity.scopes, 'owner')) {
      throw new ForbiddenError('Only owners can make or remove owners; ask an owner of this organization.');
    }
  }
}
