import { Directive, Field, ID, ObjectType } from 'type-graphql';

@ObjectType({
  description: 'An organization: the namespace (tenant) that owns datasets, jobs, models and deployments.',
})
@Directive('@key(fields: "id")')
export class Organization {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: 'URL-safe unique name, e.g. `acme-research`.' })
  slug: string;

  @Field(() => String, { description: 'Display name.' })
  name: string;

  @Field(() => Date, { description: 'When the organization was created.' })
  createdAt: Date;
}
