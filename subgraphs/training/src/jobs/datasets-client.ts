/**
 * The training subgraph's calls to the datasets subgraph, on its own address with an identity signed by
 * the internal secret, acting in the job's organization: which version an input names (GraphQL), and the
 * version's files, either extracted into a directory the attempt reads (the tar archive route) or as
 * presigned download URLs for pods that fetch them themselves (GraphQL).
 */
import { createWriteStream } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { InputError, isUuid } from '@aitip/kit';
import type { JobSpecInput } from './job-spec.js';
import { platformIdentity, SubgraphAddress } from './subgraph-address.js';

/** An input with the dataset version it resolved to at submission. */
export interface ResolvedInput {
  name: string;
  datasetId: string;
  versionId: string;
  version: number;
}

interface VersionRow {
  id: string;
  version: number;
  status: string;
}

interface DatasetRow {
  id: string;
  name: string;
  versions: VersionRow[];
}

/** One file of a dataset version and a presigned GET of its bytes. */
export interface DatasetFileLink {
  /** Path inside the version, e.g. `train/part-0.csv`. */
  path: string;
  url: string;
}

interface VersionFilesRow {
  version: number;
  status: string;
  files: Array<{ path: string; downloadUrl: string | null }>;
}

/** Client of the datasets subgraph. */
export class DatasetsClient {
  private readonly address: SubgraphAddress;

  /** `baseUrl` answers where the datasets subgraph is now (it may start after this client is made). */
  constructor(baseUrl: () => string | undefined, internalSecret: string) {
    this.address = new SubgraphAddress(
      'datasets',
      'TRAINING_DATASETS_URL',
      'http://datasets:4102',
      baseUrl,
      internalSecret,
    );
  }

  private identity(orgId: string) {
    return platformIdentity(orgId, null, ['datasets:read']);
  }

  /** The READY version each input names, or an InputError that says which input is wrong and why. */
  async resolve(orgId: string, inputs: readonly JobSpecInput[]): Promise<ResolvedInput[]> {
    const resolved: ResolvedInput[] = [];
    for (const [index, input] of inputs.entries()) {
      const field = `inputs[${index}]`;
      const dataset = await this.dataset(orgId, input.dataset);
      if (!dataset) {
        throw new InputError(
          `${field}: there is no dataset "${input.dataset}" in this organization; upload it first or fix the name`,
          { field },
        );
      }
      const live = dataset.versions.filter((v) => v.status === 'READY');
      const version =
        input.version === 'latest'
          ? live.reduce<VersionRow | undefined>((best, v) => (!best || v.version > best.version ? v : best), undefined)
          : dataset.versions.find((v) => v.version === input.version);
      if (!version) {
        throw new InputError(
          input.version === 'latest'
            ? `${field}: dataset "${dataset.name}" has no READY version yet; wait for its upload to validate`
            : `${field}: dataset "${dataset.name}" has no version ${input.version}; its versions are ${dataset.versions.map((v) => v.version).join(', ') || 'none'}`,
          { field },
        );
      }
      if (version.status !== 'READY') {
        throw new InputError(
          `${field}: version ${version.version} of dataset "${dataset.name}" is ${version.status}, not READY; restore it or pick another`,
          { field },
        );
      }
      resolved.push({ name: input.name, datasetId: dataset.id, versionId: version.id, version: version.version });
    }
    return resolved;
  }

  private async dataset(orgId: string, nameOrId: string): Promise<DatasetRow | null> {
    const byId = isUuid(nameOrId);
    const query = byId
      ? `query($v: ID!) { found: dataset(id: $v) { id name versions { id version status } } }`
      : `query($v: String!) { found: datasetByName(name: $v) { id name versions { id version status } } }`;
    return this.query<DatasetRow>(orgId, query, nameOrId);
  }

  /**
   * The files of version `versionId` with presigned download URLs, valid for the datasets subgraph's
   * DATASETS_URL_TTL_SECONDS (1 h by default) from now. Throws when the version or its files are gone.
   */
  async fileLinks(orgId: string, versionId: string): Promise<DatasetFileLink[]> {
    const found = await this.query<VersionFilesRow>(
      orgId,
      `query($v: ID!) { found: datasetVersion(id: $v) { version status files { path downloadUrl } } }`,
      versionId,
    );
    if (!found) throw new Error(`dataset version ${versionId} is not there any more; submit the job again`);
    // a purged version keeps its file list but not the bytes: its files have no downloadUrl
    const missing = found.files.filter((file) => !file.downloadUrl);
    if (found.status === 'PURGED' || missing.length > 0) {
      throw new Error(
        `version ${found.version} of the dataset (${versionId}) was purged and its files are gone; submit the job again with another version`,
      );
    }
    return found.files.map((file) => ({ path: file.path, url: file.downloadUrl! }));
  }

  /** Runs `query` (whose one field is aliased `found`, with one variable `$v`) in `orgId`. */
  private async query<T>(orgId: string, query: string, v: string): Promise<T | null> {
    const data = await this.address.graphql<{ found: T | null }>(this.identity(orgId), query, { v });
    return data.found ?? null;
  }

  /** Downloads a version's files into `dir` (readable by any user, so a container's uid can read them). */
  async download(orgId: string, versionId: string, dir: string): Promise<void> {
    const response = await fetch(`${this.address.base()}/rest/versions/${versionId}/archive`, {
      headers: this.address.identityHeader(this.identity(orgId)),
    });
    if (!response.ok || !response.body) {
      throw new Error(`downloading dataset version ${versionId} answered ${response.status}: ${await response.text()}`);
    }
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const unpack = extract();
    const done = (async () => {
      for await (const entry of unpack) {
        const name = posix.normalize(entry.header.name);
        if (entry.header.type !== 'file' || name.startsWith('../') || posix.isAbsolute(name)) {
          entry.resume();
          continue;
        }
        const target = join(dir, name);
        await mkdir(dirname(target), { recursive: true, mode: 0o755 });
        await pipeline(entry, createWriteStream(target, { mode: 0o644 }));
      }
    })();
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), unpack);
    await done;
    await chmod(dir, 0o755);
  }
}
