import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  ObjectType,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { InputError, isUuid, requireOrg, Requires, type ServiceContext, type StreamEntry } from '@aitip/kit';
import { actorOf } from '../tracking/actor.js';
import type { Tracking } from '../tracking/service.js';
import { experimentRunsStream } from '../storage-keys.js';
import { Run, RunStatus, toRun } from './run.type.js';

@ObjectType({
  description: 'A run of the experiment was created, changed status, name or end time, deleted or restored.',
})
export class RunUpdatedEvent {
  @Field(() => String, { description: 'Pass as `after` to resume after this event.' })
  cursor: string;

  @Field(() => ID)
  runId: string;

  @Field(() => ID)
  experimentId: string;

  @Field(() => RunStatus, { description: 'The status at the time of the event.' })
  status: RunStatus;

  @Field(() => String, { description: 'created, updated, deleted or restored.' })
  change: string;
}

type RunsSubscribeData = SubscribeResolverData<
  StreamEntry,
  { experimentId: string; after?: string | null },
  ServiceContext
>;

@Resolver(() => RunUpdatedEvent)
export class RunEventsResolver {
  constructor(private readonly tracking: Tracking) {}

  @Subscription(() => RunUpdatedEvent, {
    description:
      "Changes to the experiment's runs as they happen (created, status, name, end, deleted, restored). Replays the changes still in the live stream first (or those after `after`).",
    topics: ({ context, args }: RunsSubscribeData) => {
      if (!isUuid(args.experimentId)) {
        throw new InputError(`"${args.experimentId}" is not an experiment id.`, { field: 'experimentId' });
      }
      return experimentRunsStream(requireOrg(context.identity), args.experimentId);
    },
    topicId: ({ args }: RunsSubscribeData) => args.after ?? undefined,
  })
  @Requires('experiments:read')
  runUpdated(
    @Root() entry: StreamEntry,
    @Arg('experimentId', () => ID) _experimentId: string,
    @Arg('after', () => String, { nullable: true, description: 'Resume after this cursor.' }) _after: string | null,
  ): RunUpdatedEvent {
    const e = entry.entry;
    return {
      cursor: entry.id,
      runId: String(e['runId']),
      experimentId: String(e['experimentId']),
      status: String(e['status']) as RunStatus,
      change: String(e['change']),
    };
  }

  @FieldResolver(() => Run, { nullable: true, description: 'The run as it is now.' })
  async run(@Root() event: RunUpdatedEvent, @Ctx() ctx: ServiceContext): Promise<Run | null> {
    const [found] = await this.tracking.runsByIds(actorOf(ctx.identity), [event.runId]);
    return found ? toRun(found) : null;
  }
}
