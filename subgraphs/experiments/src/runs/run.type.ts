import { Directive, Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { RunWithData } from '../tracking/api.js';
import { Tag, tagList } from '../tags/tag.type.js';
import { finiteOrNull, nonFiniteText } from '../metrics/metric.type.js';

export enum RunStatus {
  RUNNING = 'RUNNING',
  SCHEDULED = 'SCHEDULED',
  FINISHED = 'FINISHED',
  FAILED = 'FAILED',
  KILLED = 'KILLED',
}
registerEnumType(RunStatus, {
  name: 'RunStatus',
  description: "A run's status, as MLflow has it.",
  valuesConfig: {
    RUNNING: { description: 'Started and logging.' },
    SCHEDULED: { description: 'Created for later.' },
    FINISHED: { description: 'Ended successfully.' },
    FAILED: { description: 'Ended with an error.' },
    KILLED: { description: 'Stopped from outside (or its experiment was archived while it ran).' },
  },
});

@ObjectType({ description: 'A run parameter: logged once, never changed.' })
export class Param {
  @Field(() => String)
  key: string;

  @Field(() => String)
  value: string;
}

@ObjectType({ description: "A metric's latest point (highest step, then latest timestamp) and its series' extent." })
export class MetricSummary {
  @Field(() => String)
  key: string;

  @Field(() => Float, { nullable: true, description: 'The latest value; null when NaN or ±Infinity (see `text`).' })
  value: number | null;

  @Field(() => String, {
    nullable: true,
    description: '"NaN", "Infinity" or "-Infinity" when the latest value is one of those.',
  })
  text: string | null;

  @Field(() => Float)
  step: number;

  @Field(() => Float, { description: 'When the latest point was logged, in milliseconds since the epoch.' })
  timestamp: number;

  @Field(() => Float, { nullable: true, description: 'Smallest finite value; null when there is none.' })
  min: number | null;

  @Field(() => Float, { nullable: true, description: 'Largest finite value; null when there is none.' })
  max: number | null;

  @Field(() => Float, { description: 'Points logged.' })
  count: number;
}

@ObjectType({ description: 'A dataset a run used (MLflow log-inputs).' })
export class DatasetInput {
  @Field(() => String)
  name: string;

  @Field(() => String)
  digest: string;

  @Field(() => String, { description: 'e.g. "local", "s3", "http".' })
  sourceType: string;

  @Field(() => String, { description: 'Where the data came from, as the client described it (often JSON).' })
  source: string;

  @Field(() => [Tag], { description: 'The input\'s tags, e.g. `mlflow.data.context` = "training".' })
  tags: Tag[];
}

@ObjectType({
  description: 'One execution of training code, with its params, metrics, tags and artifacts (an MLflow run).',
})
@Directive('@key(fields: "id")')
export class Run {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'Organization (tenant) that owns it.' })
  orgId: string;

  @Field(() => ID)
  experimentId: string;

  @Field(() => String, { nullable: true, description: 'Run name (MLflow tag `mlflow.runName`, kept in step).' })
  name: string | null;

  @Field(() => RunStatus)
  status: RunStatus;

  @Field(() => Date, { nullable: true })
  startTime: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it ended; null while it runs.' })
  endTime: Date | null;

  @Field(() => ID, { nullable: true, description: 'The user who created it.' })
  userId: string | null;

  @Field(() => ID, { nullable: true, description: 'The training job that produced it, if any.' })
  sourceJobId: string | null;

  @Field(() => ID, { nullable: true, description: 'The run it is nested in (MLflow `mlflow.parentRunId`).' })
  parentRunId: string | null;

  @Field(() => Boolean, { description: 'Deleted (restorable); hidden from searches unless asked for.' })
  deleted: boolean;

  @Field(() => String, { description: 'Where its artifacts are: `mlflow-artifacts:/<experiment>/<run>/artifacts`.' })
  artifactUri: string;

  @Field(() => [Param], { description: 'Sorted by key.' })
  params: Param[];

  @Field(() => [Tag], { description: 'Sorted by key, `mlflow.*` system tags included.' })
  tags: Tag[];

  @Field(() => [MetricSummary], { description: "Each metric's latest value and extent, sorted by key." })
  metrics: MetricSummary[];

  @Field(() => [DatasetInput])
  inputs: DatasetInput[];
}

@ObjectType({ description: 'A page of runs.' })
export class RunPage {
  @Field(() => [Run])
  items: Run[];

  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` for the next page; null on the last page. Stable while runs are added.',
  })
  nextCursor: string | null;
}

export function toRun(record: RunWithData): Run {
  return {
    id: record.id,
    orgId: record.orgId,
    experimentId: record.experimentId,
    name: record.name,
    status: record.status as RunStatus,
    startTime: record.startTime,
    endTime: record.endTime,
    userId: record.userId,
    sourceJobId: record.sourceJobId,
    parentRunId: record.parentRunId,
    deleted: record.lifecycleStage === 'deleted',
    artifactUri: record.artifactUri,
    params: Object.keys(record.params)
      .sort()
      .map((key) => ({ key, value: record.params[key]! })),
    tags: tagList(record.tags),
    metrics: record.metrics.map((m) => ({
      key: m.key,
      value: finiteOrNull(m.value),
      text: nonFiniteText(m.value),
      step: m.step,
      timestamp: m.timestamp,
      min: finiteOrNull(m.min),
      max: finiteOrNull(m.max),
      count: m.count,
    })),
    inputs: record.inputs.map((i) => ({
      name: i.name,
      digest: i.digest,
      sourceType: i.sourceType,
      source: i.source,
      tags: tagList(i.tags),
    })),
  };
}
