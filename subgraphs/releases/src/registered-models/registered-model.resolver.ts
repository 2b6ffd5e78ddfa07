import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { RegisteredModel } from './registered-model.type.js';
import type { RegisteredModelStore } from './registered-model.store.js';

@Resolver(() => RegisteredModel)
export class RegisteredModelResolver {
  constructor(private readonly store: RegisteredModelStore) {}

  @Query(() => RegisteredModel, { nullable: true, description: 'A RegisteredModel by id, or null when there is none.' })
  @Requires('releases:read')
  async registeredModel(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<RegisteredModel | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
