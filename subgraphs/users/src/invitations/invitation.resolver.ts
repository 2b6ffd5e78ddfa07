import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Audited, Authenticated, Requires, type ServiceContext } from '@aitip/kit';
import { CreatedInvitation, Invitation } from './invitation.type.js';
import { InviteMemberInput } from './invitation.input.js';
import type { InvitationService } from './invitation.service.js';
import { Membership } from '../memberships/membership.type.js';

@Resolver(() => Invitation)
export class InvitationResolver {
  constructor(private readonly service: InvitationService) {}

  @Query(() => [Invitation], { description: "The active organization's pending invitations." })
  @Requires('members:write')
  invitations(@Ctx() ctx: ServiceContext): Promise<Invitation[]> {
    return this.service.pending(ctx.identity);
  }

  @Mutation(() => CreatedInvitation, {
    description: 'Invites someone to the active organization; the token is shown only in this answer.',
  })
  @Requires('members:write')
  @Audited('member.invite', 'Invitation', (_args, result) => ({ id: (result as CreatedInvitation).invitation.id }))
  inviteMember(
    @Arg('input', () => InviteMemberInput) input: InviteMemberInput,
    @Ctx() ctx: ServiceContext,
  ): Promise<CreatedInvitation> {
    return this.service.invite(ctx.identity, input);
  }

  @Mutation(() => Invitation, { description: 'Revokes a pending invitation so its token no longer works.' })
  @Requires('members:write')
  @Audited('invitation.revoke', 'Invitation')
  revokeInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Invitation> {
    return this.service.revoke(ctx.identity, id);
  }

  @Mutation(() => Membership, { description: 'Accepts an invitation sent to your e-mail and joins its organization.' })
  @Authenticated()
  @Audited('invitation.accept', 'Membership', (_args, result) => {
    const membership = result as Membership;
    return { id: membership.id, orgId: membership.orgId };
  })
  acceptInvitation(@Arg('token', () => String) token: string, @Ctx() ctx: ServiceContext): Promise<Membership> {
    return this.service.accept(ctx.identity, token);
  }
}
