import { Field, ObjectType } from 'type-graphql';
import { User } from './user.type.js';
import { ApiKey } from '../api-keys/api-key.type.js';
import { Organization } from '../organizations/organization.type.js';
import { RoleValue } from '../role.js';

@ObjectType({ description: 'Who is calling, as the platform sees it.' })
export class Viewer {
  @Field(() => String, { description: 'anonymous, user, service (an API key) or system.' })
  kind: string;

  @Field(() => User, { nullable: true, description: "The signed-in person, or an API key's creator." })
  user: User | null;

  @Field(() => ApiKey, { nullable: true, description: 'The API key in use.' })
  apiKey: ApiKey | null;

  @Field(() => Organization, { nullable: true, description: 'The organization the call acts in.' })
  organization: Organization | null;

  @Field(() => RoleValue, { nullable: true, description: 'Your role in that organization.' })
  role: RoleValue | null;

  @Field(() => [String], { description: 'What the call may do.' })
  scopes: string[];
}
