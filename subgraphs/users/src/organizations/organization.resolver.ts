import { Arg, ID, Query, Resolver } from 'type-graphql';
import { Organization } from './organization.type.js';
import type { OrganizationStore } from './organization.store.js';

@Resolver(() => Organization)
export class OrganizationResolver {
  constructor(private readonly store: OrganizationStore) {}

  @Query(() => Organization, { nullable: true, description: 'An organization by id, or null when there is none.' })
  async organization(@Arg('id', () => ID) id: string): Promise<Organization | null> {
    return this.store.findById(id);
  }
}
