import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Audited, InputError, Requires, type ServiceContext } from '@aitip/kit';
import { actorOf } from '../tracking/actor.js';
import type { Tracking } from '../tracking/service.js';
import type { ExperimentStats } from './experiment.store.js';
import { TagInput, tagRecord } from '../tags/tag.type.js';
import { Experiment, ExperimentPage, toExperiment } from './experiment.type.js';

/** Most experiments one page holds. */
const MAX_PAGE = 1_000;

/** The stats of an experiment, fetched once per object even when several of its fields are asked for. */
const statsOf = new WeakMap<Experiment, Promise<ExperimentStats>>();

@Resolver(() => Experiment)
export class ExperimentResolver {
  constructor(private readonly tracking: Tracking) {}

  @Query(() => ExperimentPage, {
    description:
      "The organization's experiments. `filter` uses MLflow's experiment filter (`name LIKE 'bert%' AND tags.team = 'nlp'`); `orderBy` entries like `name ASC` or `last_update_time DESC` (default: newest first).",
  })
  @Requires('experiments:read')
  async experiments(
    @Ctx() ctx: ServiceContext,
    @Arg('filter', () => String, { nullable: true }) filter?: string | null,
    @Arg('orderBy', () => [String], { nullable: true }) orderBy?: string[] | null,
    @Arg('includeArchived', () => Boolean, { nullable: true, defaultValue: false }) includeArchived?: boolean | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: `At most ${MAX_PAGE}.` })
    first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The `nextCursor` of the previous page.' })
    after?: string | null,
  ): Promise<ExperimentPage> {
    const maxResults = first ?? 50;
    if (maxResults < 1 || maxResults > MAX_PAGE) {
      throw new InputError(`\`first\` must be between 1 and ${MAX_PAGE}.`, { field: 'first' });
    }
    const page = await this.tracking.searchExperiments(actorOf(ctx.identity), {
      ...(filter ? { filter } : {}),
      ...(orderBy?.length ? { orderBy } : {}),
      maxResults,
      ...(after ? { pageToken: after } : {}),
      viewType: includeArchived ? 'ALL' : 'ACTIVE_ONLY',
    });
    return { items: page.items.map(toExperiment), nextCursor: page.nextPageToken };
  }

  @Query(() => Experiment, { nullable: true, description: 'An experiment by id (archived ones too), or null.' })
  @Requires('experiments:read')
  async experiment(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Experiment | null> {
    const [found] = await this.tracking.experimentsByIds(actorOf(ctx.identity), [id]);
    return found ? toExperiment(found) : null;
  }

  @Query(() => Experiment, { nullable: true, description: 'An experiment by its exact name, or null.' })
  @Requires('experiments:read')
  async experimentByName(
    @Arg('name', () => String) name: string,
    @Ctx() ctx: ServiceContext,
  ): Promise<Experiment | null> {
    try {
      return toExperiment(await this.tracking.getExperimentByName(actorOf(ctx.identity), name));
    } catch (err) {
      if ((err as { code?: string }).code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  @Mutation(() => Experiment, { description: 'Creates an experiment; its name must be new in the organization.' })
  @Requires('experiments:write')
  @Audited('experiment.create', 'Experiment')
  async createExperiment(
    @Arg('name', () => String) name: string,
    @Ctx() ctx: ServiceContext,
    @Arg('description', () => String, { nullable: true }) description?: string | null,
    @Arg('tags', () => [TagInput], { nullable: true }) tags?: TagInput[] | null,
  ): Promise<Experiment> {
    return toExperiment(
      await this.tracking.createExperiment(actorOf(ctx.identity), { name, description, tags: tagRecord(tags) }),
    );
  }

  @Mutation(() => Experiment, { description: 'Renames an experiment or changes its description.' })
  @Requires('experiments:write')
  @Audited('experiment.update', 'Experiment')
  async updateExperiment(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: ServiceContext,
    @Arg('name', () => String, { nullable: true }) name?: string | null,
    @Arg('description', () => String, { nullable: true }) description?: string | null,
  ): Promise<Experiment> {
    return toExperiment(
      await this.tracking.updateExperiment(actorOf(ctx.identity), id, {
        ...(name ? { name } : {}),
        ...(description !== undefined ? { description } : {}),
      }),
    );
  }

  @Mutation(() => Experiment, { description: 'Sets (adds or replaces) a tag of an experiment.' })
  @Requires('experiments:write')
  @Audited('experiment.setTag', 'Experiment')
  async setExperimentTag(
    @Arg('id', () => ID) id: string,
    @Arg('key', () => String) key: string,
    @Arg('value', () => String) value: string,
    @Ctx() ctx: ServiceContext,
  ): Promise<Experiment> {
    const actor = actorOf(ctx.identity);
    await this.tracking.setExperimentTag(actor, id, key, value);
    return toExperiment(await this.tracking.getExperiment(actor, id));
  }

  @Mutation(() => Experiment, {
    description:
      'Archives an experiment (MLflow: deletes it): hidden from lists, its runs read-only and its running runs KILLED. Restorable.',
  })
  @Requires('experiments:write')
  @Audited('experiment.archive', 'Experiment')
  async archiveExperiment(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Experiment> {
    const actor = actorOf(ctx.identity);
    await this.tracking.deleteExperiment(actor, id);
    return toExperiment(await this.tracking.getExperiment(actor, id));
  }

  @Mutation(() => Experiment, { description: 'Restores an archived experiment.' })
  @Requires('experiments:write')
  @Audited('experiment.restore', 'Experiment')
  async restoreExperiment(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Experiment> {
    const actor = actorOf(ctx.identity);
    await this.tracking.restoreExperiment(actor, id);
    return toExperiment(await this.tracking.getExperiment(actor, id));
  }

  private stats(experiment: Experiment, ctx: ServiceContext): Promise<ExperimentStats> {
    let stats = statsOf.get(experiment);
    if (!stats) {
      stats = this.tracking.experimentStats(actorOf(ctx.identity), experiment.id);
      statsOf.set(experiment, stats);
    }
    return stats;
  }

  @FieldResolver(() => Int, { description: 'Runs not deleted.' })
  async runCount(@Root() experiment: Experiment, @Ctx() ctx: ServiceContext): Promise<number> {
    return (await this.stats(experiment, ctx)).runCount;
  }

  @FieldResolver(() => [String], { description: 'Every param key its runs use, sorted (for column choosers).' })
  async paramKeys(@Root() experiment: Experiment, @Ctx() ctx: ServiceContext): Promise<string[]> {
    return (await this.stats(experiment, ctx)).paramKeys;
  }

  @FieldResolver(() => [String], { description: 'Every metric key its runs use, sorted.' })
  async metricKeys(@Root() experiment: Experiment, @Ctx() ctx: ServiceContext): Promise<string[]> {
    return (await this.stats(experiment, ctx)).metricKeys;
  }

  @FieldResolver(() => [String], { description: 'Every tag key its runs use, sorted.' })
  async tagKeys(@Root() experiment: Experiment, @Ctx() ctx: ServiceContext): Promise<string[]> {
    return (await this.stats(experiment, ctx)).tagKeys;
  }
}
