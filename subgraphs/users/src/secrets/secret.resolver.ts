import { Arg, Ctx, Directive, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Audited, Requires, SystemOnly, type ServiceContext } from '@aitip/kit';
import { Secret } from './secret.type.js';
import type { SecretService } from './secret.service.js';

const byName = (args: Record<string, unknown>) => ({ id: args['name'] as string });

@Resolver(() => Secret)
export class SecretResolver {
  constructor(private readonly service: SecretService) {}

  @Query(() => [Secret], { description: "The active organization's secrets (names only)." })
  @Requires('secrets:read')
  secrets(@Ctx() ctx: ServiceContext): Promise<Secret[]> {
    return this.service.list(ctx.identity);
  }

  @Query(() => String, {
    nullable: true,
    description: "For platform services: the value of an organization's secret, or null when there is none.",
  })
  @SystemOnly()
  @Directive('@inaccessible')
  orgSecretValue(
    @Arg('orgId', () => ID) orgId: string,
    @Arg('name', () => String) name: string,
  ): Promise<string | null> {
    return this.service.reveal(orgId, name);
  }

  @Mutation(() => Secret, { description: 'Sets (creates or replaces) a secret; its value is never shown again.' })
  @Requires('secrets:write')
  @Audited('secret.set', 'Secret', byName)
  setSecret(
    @Arg('name', () => String) name: string,
    @Arg('value', () => String) value: string,
    @Ctx() ctx: ServiceContext,
  ): Promise<Secret> {
    return this.service.set(ctx.identity, name, value);
  }

  @Mutation(() => Boolean, { description: 'Deletes a secret.' })
  @Requires('secrets:write')
  @Audited('secret.delete', 'Secret', byName)
  deleteSecret(@Arg('name', () => String) name: string, @Ctx() ctx: ServiceContext): Promise<boolean> {
    return this.service.delete(ctx.identity, name);
  }
}
