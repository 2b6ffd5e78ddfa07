// A copy of kit/src/auth/scopes.ts's scope names (the web package cannot import kit).
// Keep the two lists the same when a scope is added.

/** Domains whose objects are tenant data; each has a `:read` and a `:write` scope. */
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

/** Every scope an API key can carry. */
export const SCOPES: readonly string[] = [
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
];
