import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Requires, type ServiceContext } from '@aitip/kit';
import { TrainingJob } from './training-job.type.js';
import type { TrainingJobStore } from './training-job.store.js';

@Resolver(() => TrainingJob)
export class TrainingJobResolver {
  constructor(private readonly store: TrainingJobStore) {}

  @Query(() => TrainingJob, { nullable: true, description: 'A TrainingJob by id, or null when there is none.' })
  @Requires('training:read')
  async trainingJob(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<TrainingJob | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }
}
