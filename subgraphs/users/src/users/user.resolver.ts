import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { toUser, User } from './user.type.js';
import type { UserService } from './user.service.js';

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly service: UserService) {}

  @Query(() => User, {
    nullable: true,
    description: 'A member of the active organization by id, or null when there is no such member.',
  })
  @Requires('members:read')
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<User | null> {
    const user = await this.service.visible(ctx.identity, id);
    return user && toUser(user);
  }
}
