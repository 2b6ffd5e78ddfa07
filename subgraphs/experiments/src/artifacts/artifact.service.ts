import { NotFoundError } from '@aitip/kit';
import type { Actor, ArtifactEntry, TrackingService } from '../tracking/api.js';
import { assertRunWritable, findRun, inOrg, type TrackingContext } from '../tracking/context.js';
import { doesNotExist } from '../tracking/validate.js';
import { runArtifactRoot } from '../storage-keys.js';
import { artifactContentType, checkArtifactPath } from './artifact-paths.js';

type ArtifactMethods = Pick<
  TrackingService,
  'listArtifacts' | 'putArtifact' | 'getArtifact' | 'artifactDownloadUrl' | 'artifactUploadUrl'
>;

/** An artifact listing entry with a presigned download URL for files (what the artifacts browser shows). */
export type ArtifactListing = ArtifactEntry & { downloadUrl: string | null };

export interface ArtifactService extends ArtifactMethods {
  /** One level of the run's artifacts with download URLs, with a single run lookup. */
  artifactListing(actor: Actor, runId: string, path: string): Promise<ArtifactListing[]>;
}

/**
 * Run artifacts in blob storage under `experiments/<org>/<experiment>/<run>/artifacts/`. The run is
 * looked up in the caller's organization before any object is touched: blob storage has no
 * row-level security, so that lookup is what keeps tenants apart here.
 */
export function artifactService(ctx: TrackingContext): ArtifactService {
  const ttl = () => ctx.settings.EXPERIMENTS_URL_TTL_SECONDS;

  /** The object key of `path` in the run's artifacts; `write` refuses deleted runs. */
  const keyOf = async (actor: Actor, runId: string, path: string, write = false) => {
    const file = checkArtifactPath(path);
    const run = await inOrg(ctx, actor, (m) => findRun(m, actor, runId));
    if (write) assertRunWritable(run);
    return { key: runArtifactRoot(run.orgId, run.experimentId, run.id) + file, file };
  };

  /** One level under `path`: files with their sizes, then each sub-directory once. */
  const list = async (actor: Actor, runId: string, path: string) => {
    const dir = checkArtifactPath(path, { root: true });
    const run = await inOrg(ctx, actor, (m) => findRun(m, actor, runId));
    const root = runArtifactRoot(run.orgId, run.experimentId, run.id);
    const prefix = root + (dir ? `${dir}/` : '');
    const entries: ArtifactEntry[] = [];
    const dirs = new Set<string>();
    for await (const item of ctx.blob.list(prefix)) {
      const rest = item.key.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      const entryPath = dir ? `${dir}/${name}` : name;
      if (slash < 0) entries.push({ path: entryPath, isDir: false, size: item.size });
      else if (!dirs.has(name)) {
        dirs.add(name);
        entries.push({ path: entryPath, isDir: true, size: null });
      }
    }
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { root, entries };
  };

  return {
    async listArtifacts(actor, runId, path) {
      return (await list(actor, runId, path)).entries;
    },

    async artifactListing(actor, runId, path) {
      const { root, entries } = await list(actor, runId, path);
      return Promise.all(
        entries.map(async (entry) => ({
          ...entry,
          downloadUrl: entry.isDir
            ? null
            : await ctx.blob.presignGet(root + entry.path, ttl(), {
                filename: entry.path.slice(entry.path.lastIndexOf('/') + 1),
              }),
        })),
      );
    },

    async putArtifact(actor, runId, path, body, size) {
      const { key, file } = await keyOf(actor, runId, path, true);
      const stored = await ctx.blob.put(key, body, {
        contentType: artifactContentType(file),
        ...(size === undefined ? {} : { size }),
      });
      return { path: file, isDir: false, size: stored.size };
    },

    async getArtifact(actor, runId, path) {
      const { key, file } = await keyOf(actor, runId, path);
      const stat = await ctx.blob.stat(key);
      if (!stat) throw doesNotExist(`Run ${runId} has no artifact "${file}".`);
      try {
        return { body: await ctx.blob.get(key), size: stat.size };
      } catch (err) {
        if (err instanceof NotFoundError) throw doesNotExist(`Run ${runId} has no artifact "${file}".`);
        throw err;
      }
    },

    async artifactDownloadUrl(actor, runId, path) {
      const { key, file } = await keyOf(actor, runId, path);
      return ctx.blob.presignGet(key, ttl(), { filename: file.slice(file.lastIndexOf('/') + 1) });
    },

    async artifactUploadUrl(actor, runId, path) {
      const { key, file } = await keyOf(actor, runId, path, true);
      return ctx.blob.presignPut(key, ttl(), { contentType: artifactContentType(file) });
    },
  };
}
