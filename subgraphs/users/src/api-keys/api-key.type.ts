import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { User } from '../users/user.type.js';

@ObjectType({ description: 'An API key of the active organization; the key itself is shown only when created.' })
export class ApiKey {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The organization the key acts in.' })
  orgId: string;

  @Field(() => String, { description: 'What the key is for, e.g. "CI pipeline".' })
  name: string;

  @Field(() => String, { description: 'The 12 hex characters after "aitip_", to recognise the key.' })
  prefix: string;

  @Field(() => [String], { description: 'What the key may do.' })
  scopes: string[];

  @Field(() => User, { nullable: true, description: 'Who created it (null once that account is gone).' })
  createdBy: User | null;

  @Field(() => Date, { nullable: true, description: 'After this the key no longer works.' })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the key was last used (to the minute).' })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was revoked.' })
  revokedAt: Date | null;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}

@ObjectType({ description: 'A new API key with the whole key, which is shown only this once.' })
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey: ApiKey;

  @Field(() => String, { description: 'The whole key (aitip_<id>_<secret>); store it now, it cannot be shown again.' })
  secret: string;
}

@ObjectType({ description: "The platform's view of an API key, for the router's access checks." })
@Directive('@inaccessible')
export class ApiKeyPrincipal {
  @Field(() => ID)
  apiKeyId: string;

  @Field(() => ID)
  orgId: string;

  @Field(() => ID, { nullable: true, description: 'The person who created the key.' })
  userId: string | null;

  @Field(() => [String])
  scopes: string[];

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;
}
