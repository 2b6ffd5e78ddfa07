import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { Deployment } from './deployment.type.js';
import type { DeploymentStore } from './deployment.store.js';

@Resolver(() => Deployment)
export class DeploymentResolver {
  constructor(private readonly store: DeploymentStore) {}

  @Query(() => Deployment, { nullable: true, description: 'A Deployment by id, or null when there is none.' })
  @Requires('inference:read')
  async deployment(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Deployment | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
