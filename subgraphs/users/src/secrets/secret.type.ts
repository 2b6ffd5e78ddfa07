import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An organization secret: its name only; the value is never returned.' })
export class Secret {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The organization.' })
  orgId: string;

  @Field(() => String, { description: 'Letters, digits, "_", "." and "-", e.g. HF_TOKEN.' })
  name: string;

  @Field(() => Date, { description: 'When it was first set.' })
  createdAt: Date;

  @Field(() => Date, { description: 'When its value was last set.' })
  updatedAt: Date;
}

/** The public face of a secret: never its value or ciphertext. */
export function toSecret(row: { id: string; orgId: string; name: string; createdAt: Date; updatedAt: Date }): Secret {
  return { id: row.id, orgId: row.orgId, name: row.name, createdAt: row.createdAt, updatedAt: row.updatedAt };
}
