import {
  Arg,
  Field,
  ID,
  Int,
  ObjectType,
  Resolver,
  Root,
  Subscription,
  type PubSub,
  type SubscribeResolverData,
} from 'type-graphql';
import {
  InputError,
  isUuid,
  requireOrg,
  Requires,
  streamPubSub,
  type Bus,
  type ServiceContext,
  type StreamEntry,
} from '@aitip/kit';
import { jobEventsStream, jobLogsStream, jobOfLogStream } from '../storage-keys.js';
import { jobLogEntries, type LogArchive, type LogEntry } from './job-log-replay.js';
import { TrainingJobStatus } from './training-job.type.js';

@ObjectType({ description: 'A status change of a training job.' })
export class TrainingJobEvent {
  @Field(() => String, { description: 'Pass as `after` to resume after this event.' })
  cursor: string;

  @Field(() => ID, { description: 'The job.' })
  jobId: string;

  @Field(() => TrainingJobStatus, { description: 'The status it moved to.' })
  status: TrainingJobStatus;

  @Field(() => Int, { description: 'The attempt it concerns (0 before the first).' })
  attempt: number;

  @Field(() => String, { nullable: true, description: 'Why (e.g. how an attempt ended).' })
  message: string | null;

  @Field(() => Date, { description: 'When it happened.' })
  at: Date;
}

@ObjectType({ description: 'One line a training job printed.' })
export class TrainingJobLogLine {
  @Field(() => Int, { description: 'Its number in the job log, from 0, across attempts.' })
  number: number;

  @Field(() => Int, { description: 'The attempt that printed it.' })
  attempt: number;

  @Field(() => Int, { description: 'The worker rank that printed it.' })
  rank: number;

  @Field(() => String, { description: 'stdout or stderr.' })
  stream: string;

  @Field(() => String, { description: 'The line, without its line ending.' })
  text: string;

  @Field(() => Date, { description: 'When it happened.' })
  at: Date;
}

@ObjectType({
  description:
    'Consecutive lines of a training job log, as one event: a job printing fast sends hundreds of lines per event.',
})
export class TrainingJobLogBatch {
  @Field(() => Int, { description: 'The number of the first line.' })
  firstLine: number;

  @Field(() => [TrainingJobLogLine], { description: 'The lines, in order.' })
  lines: TrainingJobLogLine[];
}

type FeedData = SubscribeResolverData<
  unknown,
  { jobId: string; after?: string | null; fromLine?: number },
  ServiceContext
>;

function jobStreamOf(data: FeedData, stream: (orgId: string, jobId: string) => string): string {
  if (!isUuid(data.args.jobId)) {
    throw new InputError(`"${data.args.jobId}" is not a training job id.`, { field: 'jobId' });
  }
  return stream(requireOrg(data.context.identity), data.args.jobId);
}

/** A topic id that asks for log lines from a line number on, rather than after a stream offset. */
const FROM_LINE = 'line:';

/**
 * The subscriptions' PubSub: kit's stream PubSub (topic: a stream, id: the offset to resume after),
 * plus log subscriptions that start at a line number (`line:<n>`).
 */
export function trainingPubSub(bus: Bus | undefined, archive?: LogArchive): PubSub {
  const streams = streamPubSub(bus);
  return {
    publish: streams.publish.bind(streams),
    subscribe(stream: string, id?: unknown) {
      if (typeof id === 'string' && id.startsWith(FROM_LINE)) {
        if (!bus) throw new Error('This schema was built for printing only; it cannot serve subscriptions.');
        const [orgId, jobId] = jobOfLogStream(stream);
        return jobLogEntries(bus, archive, orgId, jobId, Number(id.slice(FROM_LINE.length)));
      }
      return streams.subscribe(stream, id);
    },
  };
}

@Resolver()
export class JobFeedsResolver {
  @Subscription(() => TrainingJobEvent, {
    description:
      "The job's status changes: those still in its live stream (or after `after`) first, then as they happen.",
    topics: (data: FeedData) => jobStreamOf(data, jobEventsStream),
    topicId: ({ args }: FeedData) => args.after ?? undefined,
  })
  @Requires('training:read')
  jobEvents(
    @Root() entry: StreamEntry,
    @Arg('jobId', () => ID) _jobId: string,
    @Arg('after', () => String, { nullable: true, description: 'Resume after this cursor.' }) _after: string | null,
  ): TrainingJobEvent {
    const e = entry.entry;
    return {
      cursor: entry.id,
      jobId: String(e['jobId']),
      status: String(e['status']) as TrainingJobStatus,
      attempt: Number(e['attempt'] ?? 0),
      message: e['message'] ? String(e['message']) : null,
      at: new Date(String(e['at'])),
    };
  }

  @Subscription(() => TrainingJobLogBatch, {
    description:
      "The job's log from line `fromLine` (earlier attempts' lines from their archives), then new lines as they are printed, in batches of consecutive lines.",
    topics: (data: FeedData) => jobStreamOf(data, jobLogsStream),
    topicId: ({ args }: FeedData) => {
      const fromLine = args.fromLine ?? 0;
      if (!Number.isInteger(fromLine) || fromLine < 0) {
        throw new InputError('fromLine must be a line number, 0 or more.', { field: 'fromLine' });
      }
      return `${FROM_LINE}${fromLine}`;
    },
  })
  @Requires('training:read')
  jobLogs(
    @Root() { entry }: { entry: LogEntry },
    @Arg('jobId', () => ID) _jobId: string,
    @Arg('fromLine', () => Int, { defaultValue: 0, description: 'The first line wanted (0: the start).' })
    _fromLine: number,
  ): TrainingJobLogBatch {
    return {
      firstLine: entry.n,
      lines: entry.lines.map(([rank, stream, text, at], i) => ({
        number: entry.n + i,
        attempt: entry.attempt,
        rank,
        stream,
        text,
        at: new Date(at),
      })),
    };
  }
}
