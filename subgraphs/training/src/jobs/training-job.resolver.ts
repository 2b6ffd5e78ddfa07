import { Arg, ID, Query, Resolver } from 'type-graphql';
import { TrainingJob } from './training-job.type.js';
import type { TrainingJobStore } from './training-job.store.js';

@Resolver(() => TrainingJob)
export class TrainingJobResolver {
  constructor(private readonly store: TrainingJobStore) {}

  @Query(() => TrainingJob, { nullable: true, description: 'A TrainingJob by id, or null when there is none.' })
  async trainingJob(@Arg('id', () => ID) id: string): Promise<TrainingJob | null> {
    return this.store.findById(id);
  }
}
