import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Audited, InputError, Requires, type ServiceContext } from '@aitip/kit';
import { actorOf } from '../tracking/actor.js';
import type { Tracking } from '../tracking/service.js';
import { TagInput, tagRecord } from '../tags/tag.type.js';
import { MetricInput, ParamInput } from './run.input.js';
import { Run, RunPage, RunStatus, toRun } from './run.type.js';

/** Most runs one page of searchRuns holds. */
const MAX_PAGE = 1_000;

@Resolver(() => Run)
export class RunResolver {
  constructor(private readonly tracking: Tracking) {}

  @Query(() => Run, { nullable: true, description: 'A run by id (deleted ones too), or null.' })
  @Requires('experiments:read')
  async run(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Run | null> {
    const [found] = await this.tracking.runsByIds(actorOf(ctx.identity), [id]);
    return found ? toRun(found) : null;
  }

  @Query(() => RunPage, {
    description:
      "Runs of the given experiments. `filter` is MLflow's search filter (`metrics.rmse < 1 and params.model = 'cnn' and tags.team = 'x' and attributes.status = 'FINISHED'`); `orderBy` entries like `metrics.rmse ASC` or `attributes.start_time DESC` (default: newest first). Pages are stable while runs are added.",
  })
  @Requires('experiments:read')
  async searchRuns(
    @Arg('experimentIds', () => [ID]) experimentIds: string[],
    @Ctx() ctx: ServiceContext,
    @Arg('filter', () => String, { nullable: true }) filter?: string | null,
    @Arg('orderBy', () => [String], { nullable: true }) orderBy?: string[] | null,
    @Arg('includeDeleted', () => Boolean, { nullable: true, defaultValue: false }) includeDeleted?: boolean | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100, description: `At most ${MAX_PAGE}.` })
    first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The `nextCursor` of the previous page.' })
    after?: string | null,
  ): Promise<RunPage> {
    const maxResults = first ?? 100;
    if (maxResults < 1 || maxResults > MAX_PAGE) {
      throw new InputError(`\`first\` must be between 1 and ${MAX_PAGE}.`, { field: 'first' });
    }
    const page = await this.tracking.searchRuns(actorOf(ctx.identity), {
      experimentIds,
      ...(filter ? { filter } : {}),
      ...(orderBy?.length ? { orderBy } : {}),
      maxResults,
      ...(after ? { pageToken: after } : {}),
      viewType: includeDeleted ? 'ALL' : 'ACTIVE_ONLY',
    });
    return { items: page.items.map(toRun), nextCursor: page.nextPageToken };
  }

  @Mutation(() => Run, { description: 'Starts a run (RUNNING) in an active experiment.' })
  @Requires('experiments:write')
  @Audited('run.create', 'Run')
  async createRun(
    @Arg('experimentId', () => ID) experimentId: string,
    @Ctx() ctx: ServiceContext,
    @Arg('name', () => String, { nullable: true, description: 'A name is made up when omitted.' })
    name?: string | null,
    @Arg('tags', () => [TagInput], { nullable: true }) tags?: TagInput[] | null,
    @Arg('parentRunId', () => ID, { nullable: true, description: 'Nests the run under this one.' })
    parentRunId?: string | null,
    @Arg('sourceJobId', () => ID, { nullable: true, description: 'The training job that runs it.' })
    sourceJobId?: string | null,
  ): Promise<Run> {
    return toRun(
      await this.tracking.createRun(actorOf(ctx.identity), {
        experimentId,
        name: name ?? null,
        tags: tagRecord(tags),
        parentRunId: parentRunId ?? null,
        sourceJobId: sourceJobId ?? null,
      }),
    );
  }

  @Mutation(() => Run, {
    description: 'Changes a run’s status, name or end time; a final status without an end time ends it now.',
  })
  @Requires('experiments:write')
  @Audited('run.update', 'Run')
  async updateRun(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: ServiceContext,
    @Arg('status', () => RunStatus, { nullable: true }) status?: RunStatus | null,
    @Arg('name', () => String, { nullable: true }) name?: string | null,
    @Arg('endTime', () => Date, { nullable: true }) endTime?: Date | null,
  ): Promise<Run> {
    const actor = actorOf(ctx.identity);
    await this.tracking.updateRun(actor, id, {
      ...(status ? { status } : {}),
      ...(name ? { name } : {}),
      ...(endTime ? { endTime } : {}),
    });
    return toRun(await this.tracking.getRun(actor, id));
  }

  @Mutation(() => Run, { description: 'Deletes a run (restorable); searches leave it out unless asked.' })
  @Requires('experiments:write')
  @Audited('run.delete', 'Run')
  async deleteRun(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Run> {
    const actor = actorOf(ctx.identity);
    await this.tracking.deleteRun(actor, id);
    return toRun(await this.tracking.getRun(actor, id));
  }

  @Mutation(() => Run, { description: 'Restores a deleted run.' })
  @Requires('experiments:write')
  @Audited('run.restore', 'Run')
  async restoreRun(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Run> {
    const actor = actorOf(ctx.identity);
    await this.tracking.restoreRun(actor, id);
    return toRun(await this.tracking.getRun(actor, id));
  }

  @Mutation(() => Run, {
    description:
      'Logs metrics, params and tags in one transaction (MLflow log-batch limits: 1,000 metrics, 100 params, 100 tags). Params are write-once: the same value again is fine, another value is refused.',
  })
  @Requires('experiments:write')
  @Audited('run.log', 'Run', (args) => ({ id: args['runId'] as string }))
  async logRunData(
    @Arg('runId', () => ID) runId: string,
    @Ctx() ctx: ServiceContext,
    @Arg('metrics', () => [MetricInput], { nullable: true }) metrics?: MetricInput[] | null,
    @Arg('params', () => [ParamInput], { nullable: true }) params?: ParamInput[] | null,
    @Arg('tags', () => [TagInput], { nullable: true }) tags?: TagInput[] | null,
  ): Promise<Run> {
    const actor = actorOf(ctx.identity);
    const now = Date.now();
    await this.tracking.logBatch(actor, runId, {
      metrics: (metrics ?? []).map((m) => ({
        key: m.key,
        value: m.value,
        step: m.step ?? 0,
        timestamp: m.timestamp ?? now,
      })),
      params: (params ?? []).map((p) => ({ key: p.key, value: p.value })),
      tags: (tags ?? []).map((t) => ({ key: t.key, value: t.value })),
    });
    return toRun(await this.tracking.getRun(actor, runId));
  }

  @Mutation(() => Run, { description: 'Removes a tag from a run.' })
  @Requires('experiments:write')
  @Audited('run.deleteTag', 'Run', (args) => ({ id: args['runId'] as string }))
  async deleteRunTag(
    @Arg('runId', () => ID) runId: string,
    @Arg('key', () => String) key: string,
    @Ctx() ctx: ServiceContext,
  ): Promise<Run> {
    const actor = actorOf(ctx.identity);
    await this.tracking.deleteTag(actor, runId, key);
    return toRun(await this.tracking.getRun(actor, runId));
  }
}
