import 'reflect-metadata';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { graphql } from 'graphql';
import { Arg, Ctx, Mutation, Query, Resolver, buildSchema } from 'type-graphql';
import {
  Authenticated,
  Public,
  Requires,
  SystemOnly,
  anonymousIdentity,
  assertEveryRootFieldGuarded,
  buildFederatedSchema,
  scopeAllows,
  scopesForRole,
  systemIdentity,
  type Identity,
} from '../src/index.js';

@Resolver()
class GuardedResolver {
  @Query(() => String)
  @Public()
  hello(): string {
    return 'hi';
  }

  @Query(() => String)
  @Authenticated()
  me(@Ctx() ctx: { identity: Identity }): string {
    return ctx.identity.userId ?? '';
  }

  @Query(() => String)
  @Requires('datasets:read')
  datasets(): string {
    return 'datasets';
  }

  @Mutation(() => String)
  @Requires('datasets:write')
  createDataset(@Arg('name', () => String) name: string): string {
    return name;
  }

  @Query(() => String)
  @SystemOnly()
  internal(): string {
    return 'internal';
  }
}

@Resolver()
class UnguardedResolver {
  @Query(() => String)
  open(): string {
    return 'oops';
  }
}

const member = (orgId: string | undefined, role: 'viewer' | 'member' | 'admin'): Identity => ({
  kind: 'user',
  userId: 'u1',
  orgId,
  roles: [role],
  scopes: [...scopesForRole(role)],
});

async function run(source: string, identity: Identity) {
  const schema = await buildSchema({ resolvers: [GuardedResolver], validate: false });
  const result = await graphql({ schema, source, contextValue: { identity } });
  return {
    data: result.data && { ...result.data },
    code: result.errors?.[0]?.extensions?.['code'],
    message: result.errors?.[0]?.message,
  };
}

describe('access rules', () => {
  test('a schema with an unguarded root field does not build', async () => {
    await assert.rejects(
      buildFederatedSchema({ resolvers: [UnguardedResolver] }),
      /Root fields without an access rule: Query\.open/,
    );
    const guarded = await buildSchema({ resolvers: [GuardedResolver], validate: false });
    assert.doesNotThrow(() => assertEveryRootFieldGuarded(guarded));
  });

  test('anonymous callers reach public fields only', async () => {
    assert.deepEqual((await run('{ hello }', anonymousIdentity)).data, { hello: 'hi' });
    const me = await run('{ me }', anonymousIdentity);
    assert.equal(me.code, 'UNAUTHENTICATED');
    assert.match(me.message!, /Authorization: Bearer/);
    assert.equal((await run('{ datasets }', anonymousIdentity)).code, 'UNAUTHENTICATED');
  });

  test('scoped fields need an active organization', async () => {
    const result = await run('{ datasets }', member(undefined, 'admin'));
    assert.equal(result.code, 'FORBIDDEN');
    assert.match(result.message!, /x-aitip-org/);
  });

  test('a viewer reads but cannot write', async () => {
    assert.deepEqual((await run('{ datasets }', member('o1', 'viewer'))).data, { datasets: 'datasets' });
    const write = await run('mutation { createDataset(name: "x") }', member('o1', 'viewer'));
    assert.equal(write.code, 'FORBIDDEN');
    assert.match(write.message!, /"datasets:write".*viewer/);
    assert.deepEqual((await run('mutation { createDataset(name: "x") }', member('o1', 'member'))).data, {
      createDataset: 'x',
    });
  });

  test('an API key never exceeds its scopes', async () => {
    const key: Identity = { kind: 'service', apiKeyId: 'k1', orgId: 'o1', roles: [], scopes: ['datasets:read'] };
    assert.deepEqual((await run('{ datasets }', key)).data, { datasets: 'datasets' });
    const write = await run('mutation { createDataset(name: "x") }', key);
    assert.equal(write.code, 'FORBIDDEN');
    assert.match(write.message!, /this API key/);
  });

  test('system-only fields refuse everyone but the platform', async () => {
    assert.equal((await run('{ internal }', member('o1', 'admin'))).code, 'FORBIDDEN');
    assert.deepEqual((await run('{ internal }', systemIdentity)).data, { internal: 'internal' });
  });

  test('roles nest: viewer ⊂ member ⊂ admin ⊂ owner, and admin implies organization scopes', () => {
    const viewer = scopesForRole('viewer');
    const memberScopes = scopesForRole('member');
    assert.ok(viewer.every((s) => memberScopes.includes(s)));
    assert.ok(!viewer.some((s) => s.endsWith(':write')), 'viewers hold no write scope');
    assert.ok(memberScopes.every((s) => scopeAllows(scopesForRole('admin'), s)));
    assert.ok(!scopeAllows(scopesForRole('admin'), 'owner'));
    assert.ok(scopeAllows(scopesForRole('owner'), 'owner'));
    assert.ok(!scopeAllows(['datasets:read'], 'datasets:write'));
  });
});
