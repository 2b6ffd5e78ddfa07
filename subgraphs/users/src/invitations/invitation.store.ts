import { IsNull, MoreThan, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { inTenant, isUuid, type Role } from '@aitip/kit';
import { InvitationEntity } from './invitation.entity.js';

/**
 * Invitations. Tenant methods take the manager of an `inTenant` transaction and filter by `org_id`;
 * `findByTokenHash` and `markAccepted` serve the invitee, who is not a member yet (owner connection).
 */
export class InvitationStore {
  constructor(private readonly db: DataSource) {}

  private repo(manager: EntityManager): Repository<InvitationEntity> {
    return manager.getRepository(InvitationEntity);
  }

  tenant<T>(orgId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inTenant(this.db, orgId, work);
  }

  /** Invitations neither accepted, revoked nor expired, newest first. */
  pending(manager: EntityManager, orgId: string): Promise<InvitationEntity[]> {
    return this.repo(manager).find({
      where: { orgId, acceptedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
  }

  insert(
    manager: EntityManager,
    invitation: {
      orgId: string;
      email: string;
      role: Role;
      tokenHash: string;
      invitedBy: string | null;
      expiresAt: Date;
    },
  ): Promise<InvitationEntity> {
    return this.repo(manager).save(this.repo(manager).create(invitation));
  }

  findForUpdate(manager: EntityManager, orgId: string, id: string): Promise<InvitationEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.repo(manager).findOne({ where: { orgId, id }, lock: { mode: 'pessimistic_write' } });
  }

  async revoke(manager: EntityManager, orgId: string, id: string, at: Date): Promise<void> {
    await this.repo(manager).update({ orgId, id }, { revokedAt: at });
  }

  /** The invitation with this token hash, locked (owner connection: the invitee is not a member yet). */
  findByTokenHash(manager: EntityManager, tokenHash: string): Promise<InvitationEntity | null> {
    return this.repo(manager).findOne({ where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  async markAccepted(manager: EntityManager, id: string, userId: string, at: Date): Promise<void> {
    await this.repo(manager).update({ id }, { acceptedAt: at, acceptedBy: userId });
  }
}
