import { Field, Float, ID, ObjectType } from 'type-graphql';
import type { MetricPoint as MetricPointRecord, MetricSeries as MetricSeriesRecord } from '../tracking/api.js';

/*
 * GraphQL's Float cannot carry NaN or ±Infinity, which MLflow accepts as metric values (a diverged
 * loss). Such a value is null in `value` and spelled out in `text` ("NaN", "Infinity", "-Infinity");
 * `text` is null for every finite value, so charts read `value` and show gaps.
 */

/** A value GraphQL's Float can carry, or null. */
export const finiteOrNull = (value: number | null | undefined): number | null =>
  value !== null && value !== undefined && Number.isFinite(value) ? value : null;

/** "NaN", "Infinity" or "-Infinity" for a value that is not finite; null otherwise. */
export const nonFiniteText = (value: number): string | null => (Number.isFinite(value) ? null : String(value));

@ObjectType({ description: 'One point of a metric series.' })
export class MetricPoint {
  @Field(() => Float)
  step: number;

  @Field(() => Float, { nullable: true, description: 'The value; null when it is NaN or ±Infinity (see `text`).' })
  value: number | null;

  @Field(() => String, {
    nullable: true,
    description: '"NaN", "Infinity" or "-Infinity" when the value is one of those.',
  })
  text: string | null;

  @Field(() => Float, { description: 'When it was logged, in milliseconds since the epoch.' })
  timestamp: number;
}

@ObjectType({
  description: "A run's metric series, downsampled to at most the points asked for, keeping its shape (LTTB).",
})
export class MetricSeries {
  @Field(() => ID)
  runId: string;

  @Field(() => String)
  key: string;

  @Field(() => [MetricPoint], { description: 'In step order; the first and last points are always kept.' })
  points: MetricPoint[];

  @Field(() => Float, { description: 'Points stored, before downsampling.' })
  total: number;

  @Field(() => Float, { nullable: true, description: 'Smallest finite value of the whole series.' })
  min: number | null;

  @Field(() => Float, { nullable: true, description: 'Largest finite value of the whole series.' })
  max: number | null;

  @Field(() => MetricPoint, { nullable: true, description: 'The last point (highest step, then latest timestamp).' })
  last: MetricPoint | null;

  @Field(() => Boolean, { description: 'Whether `points` is a subset of the stored points.' })
  downsampled: boolean;
}

@ObjectType({ description: 'A logged metric point, as runMetrics delivers it.' })
export class LoggedMetric {
  @Field(() => String)
  key: string;

  @Field(() => Float)
  step: number;

  @Field(() => Float, { nullable: true, description: 'Null when NaN or ±Infinity (see `text`).' })
  value: number | null;

  @Field(() => String, {
    nullable: true,
    description: '"NaN", "Infinity" or "-Infinity" when the value is one of those.',
  })
  text: string | null;

  @Field(() => Float, { description: 'Milliseconds since the epoch.' })
  timestamp: number;
}

@ObjectType({ description: 'One batch of metric points a run logged.' })
export class RunMetricsEvent {
  @Field(() => String, { description: 'Pass as `after` to resume after this batch.' })
  cursor: string;

  @Field(() => ID)
  runId: string;

  @Field(() => [LoggedMetric])
  points: LoggedMetric[];
}

@ObjectType({ description: 'One param across the compared runs.' })
export class ParamComparison {
  @Field(() => String)
  key: string;

  @Field(() => [String], {
    nullable: 'items',
    description: "Each run's value, in the runs' order; null where a run lacks it.",
  })
  values: Array<string | null>;

  @Field(() => Boolean, { description: 'The runs do not all have the same value (a missing param counts as a value).' })
  differs: boolean;
}

@ObjectType({
  description: 'One metric across the compared runs, each list in the runs’ order (null where a run lacks it).',
})
export class MetricComparison {
  @Field(() => String)
  key: string;

  @Field(() => [Float], {
    nullable: 'items',
    description: 'The latest value (highest step); null also for NaN/±Infinity.',
  })
  last: Array<number | null>;

  @Field(() => [Float], { nullable: 'items', description: 'Smallest finite value.' })
  min: Array<number | null>;

  @Field(() => [Float], { nullable: 'items', description: 'Largest finite value.' })
  max: Array<number | null>;
}

export function toMetricPoint(point: MetricPointRecord): MetricPoint {
  return {
    step: point.step,
    value: finiteOrNull(point.value),
    text: nonFiniteText(point.value),
    timestamp: point.timestamp,
  };
}

export function toMetricSeries(series: MetricSeriesRecord): MetricSeries {
  return {
    runId: series.runId,
    key: series.key,
    points: series.points.map(toMetricPoint),
    total: series.total,
    min: finiteOrNull(series.min),
    max: finiteOrNull(series.max),
    last: series.last ? toMetricPoint(series.last) : null,
    downsampled: series.downsampled,
  };
}
