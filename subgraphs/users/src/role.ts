import { registerEnumType } from 'type-graphql';
import { isRole, type Role } from '@aitip/kit';

/** A member's role in an organization; stored lower-case, shown upper-case in GraphQL. */
export enum RoleValue {
  OWNER = 'owner',
  ADMIN = 'admin',
  MEMBER = 'member',
  VIEWER = 'viewer',
}

registerEnumType(RoleValue, {
  name: 'Role',
  description: 'What a member may do in an organization: viewer < member < admin < owner.',
  valuesConfig: {
    OWNER: { description: 'Everything an admin can, plus making and removing owners.' },
    ADMIN: { description: 'Every organization permission.' },
    MEMBER: { description: 'Reads and writes the domains, creates API keys; no member or secret management.' },
    VIEWER: { description: 'Reads the domains.' },
  },
});

/** The GraphQL value of a stored role. */
export const roleValue = (role: Role): RoleValue => role as RoleValue;

/** The caller's role from the identity the router forwarded, when it holds one. */
export function identityRole(roles: readonly string[]): Role | undefined {
  return roles.find(isRole);
}
