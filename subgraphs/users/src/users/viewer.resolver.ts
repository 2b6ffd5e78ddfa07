import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Public, type ServiceContext } from '@aitip/kit';
import { Viewer } from './viewer.type.js';
import type { ViewerRoot, ViewerService } from './viewer.service.js';
import { User } from './user.type.js';
import { ApiKey } from '../api-keys/api-key.type.js';
import { Organization } from '../organizations/organization.type.js';

@Resolver(() => Viewer)
export class ViewerResolver {
  constructor(private readonly service: ViewerService) {}

  @Query(() => Viewer, { description: 'Who you are: kind "anonymous" when not signed in.' })
  @Public()
  viewer(@Ctx() ctx: ServiceContext): ViewerRoot {
    return this.service.viewer(ctx.identity);
  }

  @FieldResolver(() => User, { nullable: true, description: "The signed-in person, or an API key's creator." })
  user(@Root() viewer: ViewerRoot): Promise<Viewer['user']> {
    return this.service.user(viewer.identity);
  }

  @FieldResolver(() => ApiKey, { nullable: true, description: 'The API key in use.' })
  apiKey(@Root() viewer: ViewerRoot): Promise<Viewer['apiKey']> {
    return this.service.apiKey(viewer.identity);
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The organization the call acts in.' })
  organization(@Root() viewer: ViewerRoot): Promise<Viewer['organization']> {
    return this.service.organization(viewer.identity);
  }
}
