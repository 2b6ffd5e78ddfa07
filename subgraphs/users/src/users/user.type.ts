import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A person who signs in to AITIP.' })
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: 'Sign-in e-mail address.' })
  email: string;

  @Field(() => String, { description: 'Name shown in the UI.' })
  displayName: string;

  @Field(() => Date, { description: 'When the account was created.' })
  createdAt: Date;
}

/** The public face of an account: never its password hash. */
export function toUser(entity: { id: string; email: string; displayName: string; createdAt: Date }): User {
  return { id: entity.id, email: entity.email, displayName: entity.displayName, createdAt: entity.createdAt };
}
