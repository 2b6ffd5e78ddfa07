import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Audited, requireOrg, Requires, type ServiceContext } from '@aitip/kit';
import { Dataset, DatasetPage } from './dataset.type.js';
import { CreateDatasetInput, DatasetFilter, PageInput, UpdateDatasetInput } from './dataset.input.js';
import type { DatasetStore } from './dataset.store.js';

@Resolver(() => Dataset)
export class DatasetResolver {
  constructor(private readonly store: DatasetStore) {}

  @Query(() => Dataset, {
    nullable: true,
    description: 'A dataset by id (deleted ones too), or null when there is none.',
  })
  @Requires('datasets:read')
  async dataset(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext): Promise<Dataset | null> {
    return this.store.findById(ctx.identity.orgId, id);
  }

  @Query(() => Dataset, { nullable: true, description: 'A dataset of the active organization by name.' })
  @Requires('datasets:read')
  async datasetByName(@Arg('name', () => String) name: string, @Ctx() ctx: ServiceContext): Promise<Dataset | null> {
    return this.store.findByName(requireOrg(ctx.identity), name);
  }

  @Query(() => DatasetPage, { description: "The active organization's datasets, newest first." })
  @Requires('datasets:read')
  datasets(
    @Ctx() ctx: ServiceContext,
    @Arg('filter', () => DatasetFilter, { nullable: true }) filter?: DatasetFilter,
    @Arg('page', () => PageInput, { nullable: true }) page?: PageInput,
  ): Promise<DatasetPage> {
    return this.store.list(requireOrg(ctx.identity), filter, page?.first, page?.after);
  }

  @Mutation(() => Dataset, { description: 'Creates an empty dataset; add content with startDatasetUpload.' })
  @Requires('datasets:write')
  @Audited('dataset.create', 'Dataset', (_args, result) => ({ id: (result as Dataset).id }))
  createDataset(@Arg('input', () => CreateDatasetInput) input: CreateDatasetInput, @Ctx() ctx: ServiceContext) {
    const { identity } = ctx;
    return this.store.create(requireOrg(identity), identity.userId ?? identity.apiKeyId ?? null, input);
  }

  @Mutation(() => Dataset, { description: 'Renames a dataset or changes its description or tags.' })
  @Requires('datasets:write')
  @Audited('dataset.update', 'Dataset')
  updateDataset(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateDatasetInput) input: UpdateDatasetInput,
    @Ctx() ctx: ServiceContext,
  ) {
    return this.store.update(requireOrg(ctx.identity), id, input);
  }

  @Mutation(() => Dataset, {
    description: 'Deletes a dataset and its versions; restorable until the retention period ends.',
  })
  @Requires('datasets:write')
  @Audited('dataset.delete', 'Dataset')
  deleteDataset(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext) {
    return this.store.softDelete(requireOrg(ctx.identity), id);
  }

  @Mutation(() => Dataset, { description: 'Restores a deleted dataset with the versions deleted with it.' })
  @Requires('datasets:write')
  @Audited('dataset.restore', 'Dataset')
  restoreDataset(@Arg('id', () => ID) id: string, @Ctx() ctx: ServiceContext) {
    return this.store.restore(requireOrg(ctx.identity), id);
  }
}
