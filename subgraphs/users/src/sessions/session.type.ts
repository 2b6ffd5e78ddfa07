import { Field, ObjectType } from 'type-graphql';
import { User } from '../users/user.type.js';
import { Organization } from '../organizations/organization.type.js';

@ObjectType({ description: 'A signed-in session: a short-lived access token and the refresh token that renews it.' })
export class AuthSession {
  @Field(() => String, { description: 'Send as "Authorization: Bearer <token>"; valid for a few minutes.' })
  accessToken: string;

  @Field(() => Date, { description: 'When the access token expires; renew it with refreshSession before.' })
  accessTokenExpiresAt: Date;

  @Field(() => String, { description: 'Renews the session once (aitipr_…); keep it secret.' })
  refreshToken: string;

  @Field(() => User, { description: 'The signed-in person.' })
  user: User;

  @Field(() => Organization, { nullable: true, description: 'The organization the session starts in, if any.' })
  organization: Organization | null;
}
