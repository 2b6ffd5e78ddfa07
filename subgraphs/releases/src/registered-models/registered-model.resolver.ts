import { Arg, ID, Query, Resolver } from 'type-graphql';
import { RegisteredModel } from './registered-model.type.js';
import type { RegisteredModelStore } from './registered-model.store.js';

@Resolver(() => RegisteredModel)
export class RegisteredModelResolver {
  constructor(private readonly store: RegisteredModelStore) {}

  @Query(() => RegisteredModel, { nullable: true, description: 'A RegisteredModel by id, or null when there is none.' })
  async registeredModel(@Arg('id', () => ID) id: string): Promise<RegisteredModel | null> {
    return this.store.findById(id);
  }
}
