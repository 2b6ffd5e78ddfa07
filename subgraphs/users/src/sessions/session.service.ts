import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  ConflictError,
  credentialHash,
  ForbiddenError,
  InputError,
  signAccessToken,
  UnauthenticatedError,
  type AitipError,
  type Identity,
  type PlatformKeys,
} from '@aitip/kit';
import type { SignUpInput } from './session.input.js';
import type { AuthSession } from './session.type.js';
import type { RefreshTokenStore } from './refresh-token.store.js';
import { checkPasswordPolicy, type PasswordHasher } from './passwords.js';
import type { LoginThrottle } from './login-throttle.js';
import type { UserEntity } from '../users/user.entity.js';
import type { UserStore } from '../users/user.store.js';
import { toUser } from '../users/user.type.js';
import { normalizeEmail } from '../users/email.js';
import type { MembershipStore } from '../memberships/membership.store.js';
import type { MembershipService } from '../memberships/membership.service.js';
import type { InvitationEntity } from '../invitations/invitation.entity.js';
import type { InvitationService } from '../invitations/invitation.service.js';
import type { OrganizationStore } from '../organizations/organization.store.js';
import type { SetupService } from '../setup/setup.service.js';
import type { RevocationPublisher } from '../revocations.js';
import type { UsersSettings } from '../settings.js';
import { newOpaqueToken } from '../credentials.js';

export interface SessionServiceDependencies {
  db: DataSource;
  users: UserStore;
  tokens: RefreshTokenStore;
  organizations: OrganizationStore;
  memberships: MembershipStore;
  membershipService: MembershipService;
  invitations: InvitationService;
  setup: SetupService;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
  revocations: RevocationPublisher;
  keys: PlatformKeys;
  settings: UsersSettings;
}

const WRONG_CREDENTIALS = 'Wrong e-mail or password.';

/** Sign-up, log-in, refresh-token rotation and log-out. These run before a tenant is known: owner connection. */
export class SessionService {
  constructor(private readonly deps: SessionServiceDependencies) {}

  /** Creates an account (first run: with the setup token; then per AUTH_SIGNUP) and signs it in. */
  async signUp(input: SignUpInput): Promise<AuthSession> {
    const { db, users, setup, invitations, settings } = this.deps;
    const email = normalizeEmail(input.email);
    checkPasswordPolicy(input.password);
    const displayName = input.displayName.trim();
    if (!displayName || displayName.length > 100) {
      throw new InputError('Enter a display name of 1 to 100 characters.', { field: 'displayName' });
    }
    const passwordHash = await this.deps.passwords.hash(input.password);
    const { user, orgId } = await db.transaction(async (m) => {
      let invitation: InvitationEntity | undefined;
      const firstAccount = (await users.count(m)) === 0;
      if (firstAccount) {
        await setup.consume(m, input.setupToken);
      } else {
        if (input.setupToken) {
          throw new ForbiddenError(
            'This instance is already set up, so setup tokens no longer work; sign in, or sign up with an invitation.',
          );
        }
        if (await users.findByEmail(email, m)) throw this.emailTaken();
        if (input.invitationToken) invitation = await invitations.usable(m, input.invitationToken, email);
        else if (settings.AUTH_SIGNUP !== 'open') {
          throw new ForbiddenError(
            `Sign-up on this instance needs an invitation: ask an organization admin to invite ${email}, then follow the invitation link.`,
          );
        }
      }
      const created = await users
        .insert(m, { email, displayName, passwordHash, isInstanceAdmin: firstAccount })
        .catch((err: unknown) => {
          throw (err as { code?: string }).code === '23505' ? this.emailTaken() : err;
        });
      if (invitation) await invitations.consume(m, invitation, created.id);
      return { user: created, orgId: invitation?.orgId };
    });
    if (orgId) await this.deps.membershipService.changed(user.id, orgId);
    return this.startSession(user, orgId);
  }

  /** Signs in with e-mail and password; the same answer for an unknown account and a wrong password. */
  async logIn(identity: Identity, emailInput: string, password: string): Promise<AuthSession> {
    const { users, passwords, throttle, membershipService } = this.deps;
    const email = emailInput.trim().toLowerCase();
    await throttle.check(email, identity.clientIp);
    const user = await users.findByEmail(email);
    const matches = await passwords.verify(user?.passwordHash, password);
    if (!user || !matches) {
      await throttle.failed(email, identity.clientIp);
      throw new UnauthenticatedError(WRONG_CREDENTIALS);
    }
    return this.startSession(user, await membershipService.defaultOrgId(user.id));
  }

  /** Rotates a refresh token; presenting a used one again ends its whole session. */
  async refresh(refreshToken: string): Promise<AuthSession> {
    const { tokens, users, memberships } = this.deps;
    const now = new Date();
    const outcome = await tokens.transaction(
      async (m): Promise<{ error: AitipError; revokedSession?: string } | { user: UserEntity; rotated: Rotated }> => {
        const row = await tokens.findByHashForUpdate(m, credentialHash(refreshToken.trim()));
        if (!row) return { error: new UnauthenticatedError('This refresh token is not valid; sign in again.') };
        if (row.revokedAt) return { error: new UnauthenticatedError('This session has ended; sign in again.') };
        if (row.usedAt) {
          // a used token coming back means it was copied: end the session for everyone holding it
          await tokens.revokeFamily(m, row.familyId, now);
          return {
            error: new UnauthenticatedError(
              'This refresh token was already used, so the session was ended to protect your account; sign in again.',
            ),
            revokedSession: row.familyId,
          };
        }
        if (row.expiresAt.getTime() <= now.getTime()) {
          return { error: new UnauthenticatedError('This session has expired; sign in again.') };
        }
        const user = await users.findById(row.userId, m);
        if (!user) return { error: new UnauthenticatedError('This account no longer exists.') };
        await tokens.markUsed(m, row.id, now);
        const theirs = await memberships.ownerListForUser(user.id, m);
        const stillMember = theirs.some(({ organization }) => organization.id === row.orgId);
        const orgId = stillMember ? (row.orgId ?? undefined) : theirs[0]?.organization.id;
        return { user, rotated: await this.issueRefreshToken(m, row.familyId, user.id, orgId) };
      },
    );
    if ('error' in outcome) {
      if (outcome.revokedSession) {
        await this.deps.revocations.publish({ type: 'session', sessionId: outcome.revokedSession });
      }
      throw outcome.error;
    }
    return this.sign(outcome.user, outcome.rotated);
  }

  /** Ends the session the refresh token belongs to; false when the token is unknown. */
  async logOut(refreshToken: string): Promise<boolean> {
    const { tokens } = this.deps;
    const familyId = await tokens.transaction(async (m) => {
      const row = await tokens.findByHashForUpdate(m, credentialHash(refreshToken.trim()));
      if (row) await tokens.revokeFamily(m, row.familyId, new Date());
      return row?.familyId;
    });
    if (!familyId) return false;
    await this.deps.revocations.publish({ type: 'session', sessionId: familyId });
    return true;
  }

  private async startSession(user: UserEntity, orgId: string | undefined): Promise<AuthSession> {
    return this.sign(user, await this.issueRefreshToken(undefined, randomUUID(), user.id, orgId));
  }

  private async issueRefreshToken(
    manager: EntityManager | undefined,
    familyId: string,
    userId: string,
    orgId: string | undefined,
  ): Promise<Rotated> {
    const refreshToken = newOpaqueToken('aitipr');
    const expiresAt = new Date(Date.now() + this.deps.settings.AUTH_REFRESH_TOKEN_TTL * 1000);
    await this.deps.tokens.insert(manager, {
      familyId,
      userId,
      orgId: orgId ?? null,
      tokenHash: credentialHash(refreshToken),
      expiresAt,
    });
    return { refreshToken, familyId, orgId };
  }

  private async sign(user: UserEntity, rotated: Rotated): Promise<AuthSession> {
    const { keys, settings, organizations } = this.deps;
    const access = await signAccessToken(
      { userId: user.id, sessionId: rotated.familyId, orgId: rotated.orgId },
      keys.tokenSecret,
      settings.AUTH_ACCESS_TOKEN_TTL,
    );
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: rotated.refreshToken,
      user: toUser(user),
      organization: rotated.orgId ? await organizations.findById(rotated.orgId) : null,
    };
  }

  private emailTaken(): ConflictError {
    return new ConflictError('An account with this e-mail already exists; sign in instead.', { field: 'email' });
  }
}

interface Rotated {
  refreshToken: string;
  familyId: string;
  orgId: string | undefined;
}
