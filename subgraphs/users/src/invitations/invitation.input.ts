import { Field, InputType } from 'type-graphql';
import { RoleValue } from '../role.js';

@InputType({ description: 'Whom to invite to the active organization, and with which role.' })
export class InviteMemberInput {
  @Field(() => String, { description: 'The invitee signs up or signs in with this e-mail to accept.' })
  email: string;

  @Field(() => RoleValue, { description: 'The role the new member gets; only owners may invite owners.' })
  role: RoleValue;
}
