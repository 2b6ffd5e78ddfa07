import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { inTenant, isUuid, type Role } from '@aitip/kit';
import { MembershipEntity } from './membership.entity.js';
import { OrganizationEntity } from '../organizations/organization.entity.js';

/**
 * Memberships. Tenant methods take the manager of an `inTenant` transaction (see `tenant`) and still
 * filter by `org_id`; the `owner*` methods use the service's own connection for the cross-tenant
 * paths (a person's own organizations, the router's membership lookup, sign-up).
 */
export class MembershipStore {
  constructor(private readonly db: DataSource) {}

  private repo(manager: EntityManager): Repository<MembershipEntity> {
    return manager.getRepository(MembershipEntity);
  }

  /** Runs `work` in a transaction that sees only `orgId`'s rows. */
  tenant<T>(orgId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inTenant(this.db, orgId, work);
  }

  listInOrg(manager: EntityManager, orgId: string): Promise<MembershipEntity[]> {
    return this.repo(manager).find({ where: { orgId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The membership of `userId` in `orgId`; `lock` holds it until the transaction ends. */
  find(manager: EntityManager, orgId: string, userId: string, lock = false): Promise<MembershipEntity | null> {
    if (!isUuid(userId)) return Promise.resolve(null);
    return this.repo(manager).findOne({
      where: { orgId, userId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  /** Which of `userIds` are members of `orgId`. */
  async membersAmong(manager: EntityManager, orgId: string, userIds: readonly string[]): Promise<Set<string>> {
    const valid = [...new Set(userIds.filter(isUuid))];
    if (!valid.length) return new Set();
    const rows = await this.repo(manager).find({ where: { orgId, userId: In(valid) }, select: { userId: true } });
    return new Set(rows.map((row) => row.userId));
  }

  /** Locks and counts the owners of `orgId`, so two demotions at once cannot leave it without one. */
  async lockOwners(manager: EntityManager, orgId: string): Promise<number> {
    const rows = await this.repo(manager).find({
      where: { orgId, role: 'owner' },
      lock: { mode: 'pessimistic_write' },
    });
    return rows.length;
  }

  async setRole(manager: EntityManager, orgId: string, userId: string, role: Role): Promise<void> {
    await this.repo(manager).update({ orgId, userId }, { role });
  }

  async remove(manager: EntityManager, orgId: string, userId: string): Promise<void> {
    await this.repo(manager).delete({ orgId, userId });
  }

  /** Adds a member; on the owner connection for new organizations and accepted invitations. */
  insert(manager: EntityManager, orgId: string, userId: string, role: Role): Promise<MembershipEntity> {
    return this.repo(manager).save(this.repo(manager).create({ orgId, userId, role }));
  }

  /** Every membership of `userId` with its organization, oldest first (owner connection: cross-tenant). */
  async ownerListForUser(
    userId: string,
    manager: EntityManager = this.db.manager,
  ): Promise<Array<{ membership: MembershipEntity; organization: OrganizationEntity }>> {
    if (!isUuid(userId)) return [];
    const memberships = await this.repo(manager).find({ where: { userId }, order: { createdAt: 'ASC', id: 'ASC' } });
    if (!memberships.length) return [];
    const organizations = await manager
      .getRepository(OrganizationEntity)
      .findBy({ id: In(memberships.map((m) => m.orgId)) });
    const byId = new Map(organizations.map((o) => [o.id, o]));
    return memberships.flatMap((membership) => {
      const organization = byId.get(membership.orgId);
      return organization ? [{ membership, organization }] : [];
    });
  }

  /** The membership of `userId` in the organization with id or slug `org` (owner connection: the router's lookup). */
  async ownerFindByOrgRef(userId: string, org: string): Promise<MembershipEntity | null> {
    if (!isUuid(userId)) return null;
    const rows = (await this.db.query(
      `SELECT m.org_id, m.role FROM users.memberships m JOIN users.organizations o ON o.id = m.org_id
       WHERE m.user_id = $1 AND (o.slug = $2 OR o.id::text = $2) LIMIT 1`,
      [userId, org],
    )) as Array<{ org_id: string; role: Role }>;
    const row = rows[0];
    return row ? Object.assign(new MembershipEntity(), { orgId: row.org_id, userId, role: row.role }) : null;
  }
}
