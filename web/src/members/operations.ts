import type { Role } from '../auth/viewer';
import { operation } from '../graphql/operations';

/** Roles in the order the selects offer them, weakest first. */
export const ROLE_OPTIONS: readonly Role[] = ['VIEWER', 'MEMBER', 'ADMIN', 'OWNER'];

/** How a role reads in the UI. */
export function roleLabel(role: Role): string {
  return role.charAt(0) + role.slice(1).toLowerCase();
}

export interface Member {
  id: string;
  role: Role;
  createdAt: string;
  user: { id: string; email: string; displayName: string };
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
  createdAt: string;
}

const INVITATION_FIELDS = 'id email role expiresAt createdAt';

export const MEMBERS = operation<{ members: Member[] }>(`
  query Members {
    members { id role createdAt user { id email displayName } }
  }
`);

export const INVITATIONS = operation<{ invitations: Invitation[] }>(`
  query Invitations {
    invitations { ${INVITATION_FIELDS} }
  }
`);

export const INVITE_MEMBER = operation<
  { inviteMember: { token: string; invitation: Invitation } },
  { input: { email: string; role: Role } }
>(`
  mutation InviteMember($input: InviteMemberInput!) {
    inviteMember(input: $input) { token invitation { ${INVITATION_FIELDS} } }
  }
`);

export const REVOKE_INVITATION = operation<{ revokeInvitation: Invitation }, { id: string }>(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id) { ${INVITATION_FIELDS} }
  }
`);

export const CHANGE_MEMBER_ROLE = operation<{ changeMemberRole: Member }, { userId: string; role: Role }>(`
  mutation ChangeMemberRole($userId: ID!, $role: Role!) {
    changeMemberRole(userId: $userId, role: $role) { id role createdAt user { id email displayName } }
  }
`);

export const REMOVE_MEMBER = operation<{ removeMember: boolean }, { userId: string }>(`
  mutation RemoveMember($userId: ID!) {
    removeMember(userId: $userId)
  }
`);

export const ACCEPT_INVITATION = operation<
  { acceptInvitation: { id: string; orgId: string; role: Role } },
  { token: string }
>(`
  mutation AcceptInvitation($token: String!) {
    acceptInvitation(token: $token) { id orgId role }
  }
`);
