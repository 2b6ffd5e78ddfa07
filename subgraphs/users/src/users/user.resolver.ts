import { Arg, ID, Query, Resolver } from 'type-graphql';
import { User } from './user.type.js';
import type { UserStore } from './user.store.js';

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly store: UserStore) {}

  @Query(() => User, { nullable: true, description: 'A user by id, or null when there is none.' })
  async user(@Arg('id', () => ID) id: string): Promise<User | null> {
    return this.store.findById(id);
  }
}
