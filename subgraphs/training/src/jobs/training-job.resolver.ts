import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Audited, Requires, type ServiceContext } from '@aitip/kit';
import { specJsonOf, TrainingJobInput } from './training-job.input.js';
import type { TrainingJobService } from './training-job.service.js';
import {
  toAttempt,
  toTrainingJob,
  TrainingJob,
  TrainingJobAttempt,
  TrainingJobPage,
  TrainingJobStatus,
} from './training-job.type.js';

@Resolver(() => TrainingJob)
export class TrainingJobResolver {
  constructor(private readonly jobs: TrainingJobService) {}

  @Query(() => TrainingJob, { nullable: true, description: 'A TrainingJob by id, or null when there is none.' })
  @Requires('training:read')
  async trainingJob(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<TrainingJob | null> {
    const job = await this.jobs.find(ctx.identity, id);
    return job && toTrainingJob(job);
  }

  @Query(() => TrainingJobPage, { description: "The organization's training jobs, newest first." })
  @Requires('training:read')
  async trainingJobs(
    @Ctx() ctx: ServiceContext,
    @Arg('status', () => TrainingJobStatus, { nullable: true }) status: TrainingJobStatus | null,
    @Arg('first', () => Int, { defaultValue: 50, description: 'At most 200.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' })
    after: string | null,
  ): Promise<TrainingJobPage> {
    const page = await this.jobs.list(ctx.identity, { status, first, after });
    return {
      nodes: page.jobs.map(toTrainingJob),
      endCursor: page.hasNextPage ? page.jobs.at(-1)!.id : null,
      hasNextPage: page.hasNextPage,
    };
  }

  @Mutation(() => TrainingJob, {
    description:
      'Submits a training job: checks the spec (every problem listed in extensions.problems), creates its experiment run and queues it.',
  })
  @Requires('training:write')
  @Audited('trainingJob.submit', 'TrainingJob')
  async submitTrainingJob(
    @Arg('input', () => TrainingJobInput) input: TrainingJobInput,
    @Ctx() ctx: ServiceContext,
  ): Promise<TrainingJob> {
    return toTrainingJob(await this.jobs.submit(ctx.identity, specJsonOf(input)));
  }

  @Mutation(() => TrainingJob, { description: 'Cancels a job: one that waits ends at once, one that runs is stopped.' })
  @Requires('training:write')
  @Audited('trainingJob.cancel', 'TrainingJob')
  async cancelTrainingJob(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<TrainingJob> {
    return toTrainingJob(await this.jobs.cancel(ctx.identity, id));
  }

  @Mutation(() => TrainingJob, { description: 'Runs a FAILED, CANCELLED or TIMED_OUT job again as a new attempt.' })
  @Requires('training:write')
  @Audited('trainingJob.retry', 'TrainingJob')
  async retryTrainingJob(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<TrainingJob> {
    return toTrainingJob(await this.jobs.retry(ctx.identity, id));
  }

  @FieldResolver(() => [TrainingJobAttempt], { description: 'Its attempts, first to last.' })
  async attempts(@Root() job: TrainingJob): Promise<TrainingJobAttempt[]> {
    return (await this.jobs.attempts(job.orgId, job.id)).map(toAttempt);
  }
}
