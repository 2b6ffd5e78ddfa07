import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Audited, Authenticated, Requires, type ServiceContext } from '@aitip/kit';
import { Organization } from './organization.type.js';
import { CreateOrganizationInput } from './organization.input.js';
import type { OrganizationService } from './organization.service.js';

@Resolver(() => Organization)
export class OrganizationResolver {
  constructor(private readonly service: OrganizationService) {}

  @Query(() => Organization, {
    nullable: true,
    description: 'The active organization when `id` is its id; null for any other organization.',
  })
  @Requires('members:read')
  organization(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Organization | null> {
    return this.service.active(ctx.identity, id);
  }

  @Mutation(() => Organization, { description: 'Creates an organization; you become its owner.' })
  @Authenticated()
  @Audited('organization.create', 'Organization', (_args, result) => {
    const id = (result as Organization).id;
    return { id, orgId: id };
  })
  createOrganization(
    @Arg('input', () => CreateOrganizationInput) input: CreateOrganizationInput,
    @Ctx() ctx: ServiceContext,
  ): Promise<Organization> {
    return this.service.create(ctx.identity, input);
  }
}
