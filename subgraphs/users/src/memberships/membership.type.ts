import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { RoleValue } from '../role.js';
import { User } from '../users/user.type.js';
import { Organization } from '../organizations/organization.type.js';

@ObjectType({ description: 'A member of the active organization and their role.' })
export class Membership {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The organization.' })
  orgId: string;

  @Field(() => User, { description: 'The member.' })
  user: User;

  @Field(() => RoleValue, { description: 'What the member may do in the organization.' })
  role: RoleValue;

  @Field(() => Date, { description: 'When the member joined.' })
  createdAt: Date;
}

@ObjectType({ description: 'An organization the signed-in person belongs to, with their role in it.' })
export class OrganizationMembership {
  @Field(() => Organization)
  organization: Organization;

  @Field(() => RoleValue, { description: 'Your role in the organization.' })
  role: RoleValue;
}

@ObjectType({ description: "The platform's view of a member, for the router's access checks." })
@Directive('@inaccessible')
export class MembershipPrincipal {
  @Field(() => ID)
  orgId: string;

  @Field(() => RoleValue)
  role: RoleValue;
}
