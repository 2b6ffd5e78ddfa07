import { Field, ID, ObjectType } from 'type-graphql';
import { RoleValue } from '../role.js';

@ObjectType({ description: 'An invitation to join an organization; the token is shown once, when it is created.' })
export class Invitation {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The organization the invitation is for.' })
  orgId: string;

  @Field(() => String, { description: 'Only the account with this e-mail can accept it.' })
  email: string;

  @Field(() => RoleValue, { description: 'The role the new member gets.' })
  role: RoleValue;

  @Field(() => Date, { description: 'After this the invitation can no longer be accepted.' })
  expiresAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it was accepted.' })
  acceptedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was revoked.' })
  revokedAt: Date | null;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt: Date;
}

@ObjectType({ description: 'A new invitation with its token, which is shown only this once.' })
export class CreatedInvitation {
  @Field(() => Invitation)
  invitation: Invitation;

  @Field(() => String, {
    description: 'Send it to the invitee (aitipi_…); it is not stored and cannot be shown again.',
  })
  token: string;
}

/** The public face of an invitation: never its token hash. */
export function toInvitation(row: {
  id: string;
  orgId: string;
  email: string;
  role: string;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}): Invitation {
  return {
    id: row.id,
    orgId: row.orgId,
    email: row.email,
    role: row.role as RoleValue,
    expiresAt: row.expiresAt,
    acceptedAt: row.acceptedAt,
    revokedAt: row.revokedAt,
    createdAt: row.createdAt,
  };
}
