/** Roles a member can hold in an organization, strongest first. */
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** The domains whose objects are tenant data; each has a `:read` and a `:write` scope. */
export const DOMAINS = [
  'datasets',
  'training',
  'experiments',
  'inference',
  'releases',
  'tests',
  'simulation',
  'scheduler',
  'resources',
  'agent',
] as const;

/**
 * Every scope a role or an API key can carry. `admin` grants every organization-level scope;
 * `inference:invoke` calls deployed models without managing them.
 */
export const SCOPES = [
  ...DOMAINS.flatMap((domain) => [`${domain}:read`, `${domain}:write`]),
  'inference:invoke',
  'members:read',
  'members:write',
  'keys:read',
  'keys:write',
  'secrets:read',
  'secrets:write',
  'audit:read',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

const readScopes = SCOPES.filter((scope) => scope.endsWith(':read') && scope !== 'audit:read');
const memberScopes = [...readScopes, ...DOMAINS.map((domain) => `${domain}:write`), 'inference:invoke', 'keys:write'];

const roleScopes: Record<Role, readonly string[]> = {
  viewer: readScopes.filter((scope) => scope !== 'secrets:read'),
  member: memberScopes,
  admin: [...SCOPES],
  owner: [...SCOPES, 'owner'],
};

/** The scopes a member with `role` holds. */
export function scopesForRole(role: Role): readonly string[] {
  return roleScopes[role];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/**
 * Whether a principal holding `held` may use `required`. `admin` implies every organization-level
 * scope except `owner`; `*` (the platform's own system identity) implies everything.
 */
export function scopeAllows(held: readonly string[], required: string): boolean {
  if (held.includes('*') || held.includes(required)) return true;
  return required !== 'owner' && required !== 'system' && held.includes('admin');
}
