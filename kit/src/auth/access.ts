import { GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { Extensions, UseMiddleware, type MiddlewareFn } from 'type-graphql';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import type { Identity } from '../identity.js';
import { scopeAllows } from './scopes.js';

/** Who may call a root field: anyone, any signed-in principal, holders of scopes, or the platform itself. */
export type AccessRule =
  { kind: 'public' } | { kind: 'authenticated' } | { kind: 'scopes'; scopes: string[] } | { kind: 'system' };

const ACCESS_EXTENSION = 'aitipAccess';

/** Throws unless the caller is signed in (a user or an API key). */
export function requireAuthenticated(identity: Identity): void {
  if (identity.kind === 'user' || identity.kind === 'service' || identity.kind === 'system') return;
  throw new UnauthenticatedError(
    'Sign in first: send "Authorization: Bearer <access token or aitip_ API key>" (aitip login, or the web sign-in page).',
  );
}

/** The organization the caller acts in; throws when none is chosen. */
export function requireOrg(identity: Identity): string {
  requireAuthenticated(identity);
  if (!identity.orgId) {
    throw new ForbiddenError(
      'Choose an organization: send its id or slug in the "x-aitip-org" header (aitip orgs lists yours).',
    );
  }
  return identity.orgId;
}

/** Throws unless the caller acts in an organization and holds every scope in `scopes`. */
export function requireScopes(identity: Identity, scopes: readonly string[]): void {
  requireOrg(identity);
  const missing = scopes.filter((scope) => !scopeAllows(identity.scopes, scope));
  if (missing.length === 0) return;
  const holder =
    identity.kind === 'service'
      ? 'this API key'
      : identity.roles.length
        ? `your role (${identity.roles.join(', ')})`
        : 'you';
  throw new ForbiddenError(
    `This needs the ${missing.map((s) => `"${s}"`).join(', ')} permission, which ${holder} does not have in this organization.`,
    { requiredScopes: missing },
  );
}

/** Throws unless the caller is the platform itself (the router's own lookups, workers). */
export function requireSystem(identity: Identity): void {
  if (identity.kind !== 'system') throw new ForbiddenError('Only the platform itself may call this field.');
}

/** Applies `rule` to `identity`, throwing the error a client can act on. */
export function checkAccess(identity: Identity, rule: AccessRule): void {
  switch (rule.kind) {
    case 'public':
      return;
    case 'authenticated':
      return requireAuthenticated(identity);
    case 'scopes':
      return requireScopes(identity, rule.scopes);
    case 'system':
      return requireSystem(identity);
  }
}

function accessDecorator(rule: AccessRule): MethodDecorator {
  const guard: MiddlewareFn<{ identity: Identity }> = ({ context }, next) => {
    checkAccess(context.identity, rule);
    return next();
  };
  return (target, key, descriptor) => {
    Extensions({ [ACCESS_EXTENSION]: rule })(target, key, descriptor);
    UseMiddleware(guard)(target, key, descriptor);
  };
}

/** The field needs every listed scope in the active organization (e.g. `@Requires('datasets:write')`). */
export const Requires = (...scopes: [string, ...string[]]): MethodDecorator =>
  accessDecorator({ kind: 'scopes', scopes });
/** The field needs a signed-in caller but no organization (e.g. `me`, `createOrganization`). */
export const Authenticated = (): MethodDecorator => accessDecorator({ kind: 'authenticated' });
/** The field is open to anonymous callers (sign-up, log-in). */
export const Public = (): MethodDecorator => accessDecorator({ kind: 'public' });
/** The field serves the platform's own lookups; hide it from the API with `@Directive('@inaccessible')`. */
export const SystemOnly = (): MethodDecorator => accessDecorator({ kind: 'system' });

/**
 * Fails when a Query, Mutation or Subscription field has no access rule, so a new resolver cannot
 * ship unguarded. Called by buildFederatedSchema on the type-graphql schema.
 */
export function assertEveryRootFieldGuarded(schema: GraphQLSchema): void {
  const unguarded: string[] = [];
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!(type instanceof GraphQLObjectType)) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.extensions?.[ACCESS_EXTENSION]) unguarded.push(`${type.name}.${field.name}`);
    }
  }
  if (unguarded.length > 0) {
    throw new Error(
      `Root fields without an access rule: ${unguarded.join(', ')}. Add @Requires(...), @Authenticated(), @Public() or @SystemOnly().`,
    );
  }
}

/**
 * Checks each Subscription field's access rule when a client subscribes. The @Requires middleware only
 * wraps `resolve`, which runs per event: without this a caller lacking the scope would hold an open
 * subscription (and its bus tail) and get errors only once events arrive.
 */
export function enforceSubscriptionAccess(schema: GraphQLSchema): void {
  const type = schema.getSubscriptionType();
  if (!type) return;
  for (const field of Object.values(type.getFields())) {
    const rule = field.extensions?.[ACCESS_EXTENSION] as AccessRule | undefined;
    const subscribe = field.subscribe;
    if (!rule || !subscribe) continue;
    field.subscribe = (source, args, context: { identity: Identity }, info) => {
      checkAccess(context.identity, rule);
      return subscribe(source, args, context, info);
    };
  }
}
