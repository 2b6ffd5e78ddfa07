import {
  Arg,
  Ctx,
  Field,
  Float,
  ID,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { InputError, isUuid, requireOrg, Requires, type ServiceContext, type StreamEntry } from '@aitip/kit';
import { actorOf } from '../tracking/actor.js';
import type { StreamedPoint } from '../tracking/live.js';
import type { Tracking } from '../tracking/service.js';
import { runMetricsStream } from '../storage-keys.js';
import { Run, toRun } from '../runs/run.type.js';
import {
  MetricComparison,
  MetricSeries,
  ParamComparison,
  RunMetricsEvent,
  finiteOrNull,
  nonFiniteText,
  toMetricSeries,
} from './metric.type.js';
import { MAX_RUNS_PER_CALL } from './metric.service.js';

@ObjectType({ description: 'Runs side by side: the union of their params (differences flagged) and metrics.' })
export class RunComparison {
  @Field(() => [Run], { description: 'In the order asked for; every list below follows it.' })
  runs: Run[];

  @Field(() => [ParamComparison], { description: 'Sorted by key.' })
  params: ParamComparison[];

  @Field(() => [MetricComparison], { description: 'Sorted by key.' })
  metrics: MetricComparison[];
}

type MetricsSubscribeData = SubscribeResolverData<
  StreamEntry,
  { runId: string; fromStep?: number | null; after?: string | null },
  ServiceContext
>;

@Resolver(() => MetricSeries)
export class MetricResolver {
  constructor(private readonly tracking: Tracking) {}

  @Query(() => [MetricSeries], {
    description: `Metric series of many runs in one call (at most ${MAX_RUNS_PER_CALL} runs), each downsampled to at most \`points\` points with LTTB, plus min/max/last of the whole series. Runs of other organizations are left out.`,
  })
  @Requires('experiments:read')
  async metricHistories(
    @Arg('runIds', () => [ID]) runIds: string[],
    @Ctx() ctx: ServiceContext,
    @Arg('keys', () => [String], { nullable: true, description: 'Every key of each run when omitted.' })
    keys?: string[] | null,
    @Arg('points', () => Int, { nullable: true, defaultValue: 1000, description: '2 to 10,000.' })
    points?: number | null,
  ): Promise<MetricSeries[]> {
    const series = await this.tracking.metricHistories(actorOf(ctx.identity), runIds, keys ?? null, points ?? 1000);
    return series.map(toMetricSeries);
  }

  @Query(() => RunComparison, {
    description: `Compares up to ${MAX_RUNS_PER_CALL} runs: params side by side with the differing ones flagged, and each metric's latest, min and max.`,
  })
  @Requires('experiments:read')
  async compareRuns(@Arg('runIds', () => [ID]) runIds: string[], @Ctx() ctx: ServiceContext): Promise<RunComparison> {
    const comparison = await this.tracking.compareRuns(actorOf(ctx.identity), runIds);
    return {
      runs: comparison.runs.map(toRun),
      params: comparison.params,
      metrics: comparison.metrics.map((m) => ({
        key: m.key,
        last: m.last.map(finiteOrNull),
        min: m.min.map(finiteOrNull),
        max: m.max.map(finiteOrNull),
      })),
    };
  }

  @Subscription(() => RunMetricsEvent, {
    description:
      "A run's metric points as they are logged, one event per logged batch (points with step ≥ `fromStep`). Replays the batches still in the run's live stream first (or those after `after`); read older points with metricHistories.",
    topics: ({ context, args }: MetricsSubscribeData) => {
      if (!isUuid(args.runId)) throw new InputError(`"${args.runId}" is not a run id.`, { field: 'runId' });
      return runMetricsStream(requireOrg(context.identity), args.runId);
    },
    topicId: ({ args }: MetricsSubscribeData) => args.after ?? undefined,
    filter: ({ payload, args }: { payload: StreamEntry; args: MetricsSubscribeData['args'] }) =>
      args.fromStep === null || args.fromStep === undefined || Number(payload.entry['maxStep']) >= args.fromStep,
  })
  @Requires('experiments:read')
  runMetrics(
    @Root() entry: StreamEntry,
    @Arg('runId', () => ID) _runId: string,
    @Arg('fromStep', () => Float, { nullable: true, description: 'Only points at or after this step.' })
    fromStep: number | null,
    @Arg('after', () => String, { nullable: true, description: 'Resume after this cursor.' }) _after: string | null,
  ): RunMetricsEvent {
    const points = JSON.parse(String(entry.entry['points'])) as StreamedPoint[];
    return {
      cursor: entry.id,
      runId: String(entry.entry['runId']),
      points: points
        .filter(([, step]) => fromStep === null || fromStep === undefined || step >= fromStep)
        .map(([key, step, raw, timestamp]) => {
          const value = typeof raw === 'number' ? raw : Number(raw);
          return { key, step, value: finiteOrNull(value), text: nonFiniteText(value), timestamp };
        }),
    };
  }
}
