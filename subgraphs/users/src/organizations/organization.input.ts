import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new organization.' })
export class CreateOrganizationInput {
  @Field(() => String, { description: 'Display name, e.g. "Acme Research".' })
  name: string;

  @Field(() => String, {
    nullable: true,
    description: 'URL-safe unique name (3-40 lower-case letters, digits, dashes); derived from the name when absent.',
  })
  slug?: string | null;
}
