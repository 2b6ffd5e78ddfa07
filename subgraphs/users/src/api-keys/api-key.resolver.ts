import { Arg, Ctx, Directive, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Audited, Requires, SystemOnly, type ServiceContext } from '@aitip/kit';
import { ApiKey, ApiKeyPrincipal, CreatedApiKey } from './api-key.type.js';
import { CreateApiKeyInput, IssueWorkloadKeyInput } from './api-key.input.js';
import type { ApiKeyService } from './api-key.service.js';

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  constructor(private readonly service: ApiKeyService) {}

  @Query(() => [ApiKey], { description: "The active organization's API keys (never the keys themselves)." })
  @Requires('keys:read')
  apiKeys(@Ctx() ctx: ServiceContext): Promise<ApiKey[]> {
    return this.service.list(ctx.identity);
  }

  @Query(() => ApiKeyPrincipal, {
    nullable: true,
    description: "The router's lookup: who an API key acts as, or null when it is not valid; records its use.",
  })
  @SystemOnly()
  @Directive('@inaccessible')
  authApiKey(@Arg('key', () => String) key: string): Promise<ApiKeyPrincipal | null> {
    return this.service.authenticate(key);
  }

  @Mutation(() => CreatedApiKey, {
    description: 'Creates an API key with at most your own scopes; the key is shown only in this answer.',
  })
  @Requires('keys:write')
  @Audited('apiKey.create', 'ApiKey', (_args, result) => ({ id: (result as CreatedApiKey).apiKey.id }))
  createApiKey(
    @Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput,
    @Ctx() ctx: ServiceContext,
  ): Promise<CreatedApiKey> {
    return this.service.create(ctx.identity, input);
  }

  @Mutation(() => ApiKey, { description: 'Revokes an API key at once (members: their own keys; admins: any).' })
  @Requires('keys:write')
  @Audited('apiKey.revoke', 'ApiKey')
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<ApiKey> {
    return this.service.revoke(ctx.identity, id);
  }

  @Mutation(() => CreatedApiKey, {
    description: "The platform's own: a key for one piece of work (a training attempt's MLFLOW_TRACKING_TOKEN).",
  })
  @SystemOnly()
  @Directive('@inaccessible')
  @Audited('apiKey.issueWorkload', 'ApiKey', (_args, result) => ({ id: (result as CreatedApiKey).apiKey.id }))
  issueWorkloadKey(
    @Arg('input', () => IssueWorkloadKeyInput) input: IssueWorkloadKeyInput,
    @Ctx() ctx: ServiceContext,
  ): Promise<CreatedApiKey> {
    return this.service.issueWorkloadKey(ctx.identity, input);
  }

  @Mutation(() => Boolean, {
    description: "The platform's own: revokes a workload key when its work ends; false when there is no such key.",
  })
  @SystemOnly()
  @Directive('@inaccessible')
  @Audited('apiKey.revokeWorkload', 'ApiKey')
  revokeWorkloadKey(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<boolean> {
    return this.service.revokeWorkloadKey(ctx.identity, id);
  }
}
