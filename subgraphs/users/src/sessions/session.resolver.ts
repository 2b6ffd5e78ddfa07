import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Audited, Public, type AuditTarget, type ServiceContext } from '@aitip/kit';
import { AuthSession } from './session.type.js';
import { SignUpInput } from './session.input.js';
import type { SessionService } from './session.service.js';

/** Audits a new session under its user and, when known, the organization it starts in. */
const sessionTarget: AuditTarget = (_args, result) => {
  const session = result as AuthSession;
  return { id: session.user.id, orgId: session.organization?.id };
};

@Resolver(() => AuthSession)
export class SessionResolver {
  constructor(private readonly service: SessionService) {}

  @Mutation(() => AuthSession, {
    description:
      'Creates an account and signs it in (first account: with the setup token; then as the instance allows).',
  })
  @Public()
  @Audited('user.signUp', 'User', sessionTarget)
  signUp(@Arg('input', () => SignUpInput) input: SignUpInput): Promise<AuthSession> {
    return this.service.signUp(input);
  }

  @Mutation(() => AuthSession, { description: 'Signs in with e-mail and password.' })
  @Public()
  @Audited('session.logIn', 'User', sessionTarget)
  logIn(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: ServiceContext,
  ): Promise<AuthSession> {
    return this.service.logIn(ctx.identity, email, password);
  }

  @Mutation(() => AuthSession, {
    description: 'Trades a refresh token for a new access and refresh token; each refresh token works once.',
  })
  @Public()
  @Audited('session.refresh', 'User', sessionTarget)
  refreshSession(@Arg('refreshToken', () => String) refreshToken: string): Promise<AuthSession> {
    return this.service.refresh(refreshToken);
  }

  @Mutation(() => Boolean, { description: "Ends the refresh token's session; false when the token is unknown." })
  @Public()
  @Audited('session.logOut', 'Session', () => undefined)
  logOut(@Arg('refreshToken', () => String) refreshToken: string): Promise<boolean> {
    return this.service.logOut(refreshToken);
  }
}
