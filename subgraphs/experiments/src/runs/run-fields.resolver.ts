import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { batchedReference, type ServiceContext } from '@aitip/kit';
import { actorOf } from '../tracking/actor.js';
import type { Tracking } from '../tracking/service.js';
import { Experiment, toExperiment } from '../experiments/experiment.type.js';
import { MetricSeries, toMetricSeries } from '../metrics/metric.type.js';
import { ArtifactEntry } from '../artifacts/artifact.type.js';
import { Run, toRun } from './run.type.js';

/** What hangs off a run and is fetched only when asked for: its experiment, nested runs, series, artifacts. */
@Resolver(() => Run)
export class RunFieldsResolver {
  /** One experiments query per request, however many runs ask for theirs. */
  private readonly experiments: ReturnType<typeof batchedReference<ServiceContext, Experiment>>;

  constructor(private readonly tracking: Tracking) {
    this.experiments = batchedReference<ServiceContext, Experiment>('RunExperiment', async (ids, ctx) =>
      (await tracking.experimentsByIds(actorOf(ctx.identity), ids)).map(toExperiment),
    );
  }

  @FieldResolver(() => Experiment)
  async experiment(@Root() run: Run, @Ctx() ctx: ServiceContext): Promise<Experiment> {
    return (await this.experiments({ id: run.experimentId }, ctx)) as Experiment;
  }

  @FieldResolver(() => [Run], { description: 'Runs nested in this one, newest first.' })
  async children(@Root() run: Run, @Ctx() ctx: ServiceContext): Promise<Run[]> {
    return (await this.tracking.childRuns(actorOf(ctx.identity), run.id)).map(toRun);
  }

  @FieldResolver(() => [MetricSeries], {
    description: 'Its metric series (all, or `keys`), each downsampled to at most `points` points keeping the shape.',
  })
  async metricHistory(
    @Root() run: Run,
    @Ctx() ctx: ServiceContext,
    @Arg('keys', () => [String], { nullable: true }) keys?: string[] | null,
    @Arg('points', () => Int, { nullable: true, defaultValue: 1000, description: '2 to 10,000.' })
    points?: number | null,
  ): Promise<MetricSeries[]> {
    const series = await this.tracking.metricHistories(actorOf(ctx.identity), [run.id], keys ?? null, points ?? 1000);
    return series.map(toMetricSeries);
  }

  @FieldResolver(() => [ArtifactEntry], {
    description: 'One level of its artifacts under `path` ("" is the root), sorted by path; files carry download URLs.',
  })
  async artifacts(
    @Root() run: Run,
    @Ctx() ctx: ServiceContext,
    @Arg('path', () => String, { nullable: true, defaultValue: '' }) path?: string | null,
  ): Promise<ArtifactEntry[]> {
    return this.tracking.artifactListing(actorOf(ctx.identity), run.id, path ?? '');
  }
}
