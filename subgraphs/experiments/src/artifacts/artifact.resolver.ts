import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { Audited, InputError, Requires, type ServiceContext } from '@aitip/kit';
import { actorOf } from '../tracking/actor.js';
import type { Tracking } from '../tracking/service.js';
import { ArtifactUploadTarget } from './artifact.type.js';

/** Most files one artifactUploadUrls call hands out URLs for. */
const MAX_PATHS = 1_000;

@Resolver(() => ArtifactUploadTarget)
export class ArtifactResolver {
  constructor(private readonly tracking: Tracking) {}

  @Mutation(() => [ArtifactUploadTarget], {
    description:
      "Presigned upload URLs for artifact files of a run (a directory is one path per file, e.g. `model/weights.bin`); PUT each file's bytes to its URL.",
  })
  @Requires('experiments:write')
  @Audited('run.uploadArtifacts', 'Run', (args) => ({ id: args['runId'] as string }))
  async artifactUploadUrls(
    @Arg('runId', () => ID) runId: string,
    @Arg('paths', () => [String]) paths: string[],
    @Ctx() ctx: ServiceContext,
  ): Promise<ArtifactUploadTarget[]> {
    if (paths.length === 0 || paths.length > MAX_PATHS) {
      throw new InputError(`Give between 1 and ${MAX_PATHS} paths; upload bigger trees in several calls.`, {
        field: 'paths',
      });
    }
    const actor = actorOf(ctx.identity);
    const targets: ArtifactUploadTarget[] = [];
    for (const path of paths) targets.push({ path, url: await this.tracking.artifactUploadUrl(actor, runId, path) });
    return targets;
  }
}
