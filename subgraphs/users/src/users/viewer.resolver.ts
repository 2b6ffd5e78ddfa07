import { Ctx, Query, Resolver } from 'type-graphql';
import { Public, type ServiceContext } from '@aitip/kit';
import { Viewer } from './viewer.type.js';
import type { ViewerService } from './viewer.service.js';

@Resolver(() => Viewer)
export class ViewerResolver {
  constructor(private readonly service: ViewerService) {}

  @Query(() => Viewer, { description: 'Who you are: kind "anonymous" when not signed in.' })
  @Public()
  viewer(@Ctx() ctx: ServiceContext): Promise<Viewer> {
    return this.service.viewer(ctx.identity);
  }
}
