import type { DataSource, EntityManager } from 'typeorm';
import {
  ConflictError,
  credentialHash,
  ForbiddenError,
  NotFoundError,
  requireOrg,
  scopeAllows,
  type Identity,
} from '@aitip/kit';
import type { InvitationEntity } from './invitation.entity.js';
import type { InvitationStore } from './invitation.store.js';
import type { InviteMemberInput } from './invitation.input.js';
import { toInvitation, type CreatedInvitation, type Invitation } from './invitation.type.js';
import type { MembershipStore } from '../memberships/membership.store.js';
import type { MembershipService } from '../memberships/membership.service.js';
import type { Membership } from '../memberships/membership.type.js';
import type { UserStore } from '../users/user.store.js';
import { normalizeEmail } from '../users/email.js';
import { newOpaqueToken } from '../credentials.js';

/** Invitations stay valid this long. */
const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/** Inviting people into an organization and accepting invitations. */
export class InvitationService {
  constructor(
    private readonly db: DataSource,
    private readonly store: InvitationStore,
    private readonly memberships: MembershipStore,
    private readonly membershipService: MembershipService,
    private readonly users: UserStore,
  ) {}

  /** Invites `email` to the active organization; returns the token once. */
  async invite(identity: Identity, input: InviteMemberInput): Promise<CreatedInvitation> {
    const orgId = requireOrg(identity);
    const email = normalizeEmail(input.email);
    if (input.role === 'owner' && !scopeAllows(identity.scopes, 'owner')) {
      throw new ForbiddenError('Only owners can invite owners; invite with another role, or ask an owner.');
    }
    const existing = await this.users.findByEmail(email);
    const token = newOpaqueToken('aitipi');
    const row = await this.store.tenant(orgId, async (m) => {
      if (existing && (await this.memberships.find(m, orgId, existing.id))) {
        throw new ConflictError(`${email} is already a member of this organization; change their role instead.`);
      }
      return this.store.insert(m, {
        orgId,
        email,
        role: input.role,
        tokenHash: credentialHash(token),
        invitedBy: identity.userId ?? null,
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      });
    });
    return { invitation: toInvitation(row), token };
  }

  /** The active organization's pending invitations. */
  async pending(identity: Identity): Promise<Invitation[]> {
    const orgId = requireOrg(identity);
    const rows = await this.store.tenant(orgId, (m) => this.store.pending(m, orgId));
    return rows.map(toInvitation);
  }

  /** Revokes a pending invitation of the active organization. */
  async revoke(identity: Identity, id: string): Promise<Invitation> {
    const orgId = requireOrg(identity);
    const row = await this.store.tenant(orgId, async (m) => {
      const invitation = await this.store.findForUpdate(m, orgId, id);
      if (!invitation) throw new NotFoundError('There is no such invitation in this organization.');
      if (invitation.acceptedAt) {
        throw new ConflictError('This invitation was already accepted; remove the member instead.');
      }
      if (!invitation.revokedAt) {
        invitation.revokedAt = new Date();
        await this.store.revoke(m, orgId, id, invitation.revokedAt);
      }
      return invitation;
    });
    return toInvitation(row);
  }

  /** The signed-in person accepts an invitation sent to their e-mail. */
  async accept(identity: Identity, token: string): Promise<Membership> {
    const userId = identity.userId;
    const user = identity.kind === 'user' && userId ? await this.users.findById(userId) : null;
    if (!user) throw new ForbiddenError('Sign in as the invited person to accept an invitation; API keys cannot.');
    // the invitee is not a member yet, so this runs on the owner connection
    const membership = await this.db.transaction(async (m) => {
      const invitation = await this.usable(m, token, user.email);
      if (await this.memberships.find(m, invitation.orgId, user.id)) {
        throw new ConflictError('You are already a member of this organization.');
      }
      return this.consume(m, invitation, user.id);
    });
    await this.membershipService.changed(user.id, membership.orgId);
    const [result] = await this.membershipService.withUsers([membership]);
    return result!;
  }

  /**
   * The invitation for `token`, locked, when it can still be accepted by `email`; otherwise an error
   * that says why not (unknown, revoked, used, expired, or for another e-mail).
   */
  async usable(manager: EntityManager, token: string, email: string): Promise<InvitationEntity> {
    const invitation = await this.store.findByTokenHash(manager, credentialHash(token.trim()));
    if (!invitation) {
      throw new NotFoundError('This invitation token is not valid; check the link, or ask for a new invitation.');
    }
    if (invitation.revokedAt) {
      throw new ForbiddenError('This invitation was revoked; ask an organization admin for a new one.');
    }
    if (invitation.acceptedAt) {
      throw new ConflictError('This invitation was already used; sign in, or ask for a new invitation.');
    }
    if (invitation.expiresAt.getTime() <= Date.now()) {
      throw new ForbiddenError(
        `This invitation expired on ${invitation.expiresAt.toISOString()}; ask an organization admin for a new one.`,
      );
    }
    if (invitation.email !== email) {
      throw new ForbiddenError(
        `This invitation is for ${invitation.email}, not ${email}; use that e-mail address, or ask for an invitation to yours.`,
      );
    }
    return invitation;
  }

  /** Makes the invitee a member and marks the invitation used, in the caller's transaction. */
  async consume(manager: EntityManager, invitation: InvitationEntity, userId: string) {
    const membership = await this.memberships.insert(manager, invitation.orgId, userId, invitation.role);
    await this.store.markAccepted(manager, invitation.id, userId, new Date());
    return membership;
  }
}
