import { Arg, ID, Query, Resolver } from 'type-graphql';
import { Deployment } from './deployment.type.js';
import type { DeploymentStore } from './deployment.store.js';

@Resolver(() => Deployment)
export class DeploymentResolver {
  constructor(private readonly store: DeploymentStore) {}

  @Query(() => Deployment, { nullable: true, description: 'A Deployment by id, or null when there is none.' })
  async deployment(@Arg('id', () => ID) id: string): Promise<Deployment | null> {
    return this.store.findById(id);
  }
}
