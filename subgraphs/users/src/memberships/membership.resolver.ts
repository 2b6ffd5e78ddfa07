import { Arg, Ctx, Directive, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Audited, Authenticated, Requires, SystemOnly, type ServiceContext } from '@aitip/kit';
import { Membership, MembershipPrincipal, OrganizationMembership } from './membership.type.js';
import type { MembershipService } from './membership.service.js';
import { RoleValue } from '../role.js';

const targetUser = (args: Record<string, unknown>) => ({ id: args['userId'] as string });

@Resolver(() => Membership)
export class MembershipResolver {
  constructor(private readonly service: MembershipService) {}

  @Query(() => [Membership], { description: 'The members of the active organization.' })
  @Requires('members:read')
  members(@Ctx() ctx: ServiceContext): Promise<Membership[]> {
    return this.service.members(ctx.identity);
  }

  @Query(() => [OrganizationMembership], { description: 'The organizations you belong to, with your role in each.' })
  @Authenticated()
  myOrganizations(@Ctx() ctx: ServiceContext): Promise<OrganizationMembership[]> {
    return this.service.myOrganizations(ctx.identity);
  }

  @Query(() => MembershipPrincipal, {
    nullable: true,
    description: "The router's lookup: a user's role in an organization (id or slug), or null when not a member.",
  })
  @SystemOnly()
  @Directive('@inaccessible')
  authMembership(
    @Arg('userId', () => ID) userId: string,
    @Arg('org', () => String) org: string,
  ): Promise<MembershipPrincipal | null> {
    return this.service.principal(userId, org);
  }

  @Mutation(() => Membership, { description: "Changes a member's role; only owners make or unmake owners." })
  @Requires('members:write')
  @Audited('member.changeRole', 'User', targetUser)
  changeMemberRole(
    @Arg('userId', () => ID) userId: string,
    @Arg('role', () => RoleValue) role: RoleValue,
    @Ctx() ctx: ServiceContext,
  ): Promise<Membership> {
    return this.service.changeRole(ctx.identity, userId, role);
  }

  @Mutation(() => Boolean, { description: 'Removes a member from the active organization.' })
  @Requires('members:write')
  @Audited('member.remove', 'User', targetUser)
  removeMember(@Arg('userId', () => ID) userId: string, @Ctx() ctx: ServiceContext): Promise<boolean> {
    return this.service.remove(ctx.identity, userId);
  }

  @Mutation(() => Boolean, { description: 'Leaves the active organization (the last owner cannot).' })
  @Authenticated()
  @Audited('member.leave', 'Organization', (_args, _result) => undefined)
  leaveOrganization(@Ctx() ctx: ServiceContext): Promise<boolean> {
    return this.service.leave(ctx.identity);
  }
}
