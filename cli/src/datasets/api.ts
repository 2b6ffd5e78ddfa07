import type { ApiClient } from '../api-client.js';
import { ApiError, UsageError } from '../errors.js';
import { isId } from '../ids.js';
import { quotaSummary } from './format.js';

/** A dataset as the CLI lists and shows it. */
export interface Dataset {
  id: string;
  name: string;
  description: string | null;
  tags: string[];
  status: string;
  format: string | null;
  versionCount: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  /** Its most recent upload: the issues of an INVALID one. */
  latestUpload?: { id: string; status: string; issues: ValidationIssue[] } | null;
}

/** A version in a dataset's list of versions. */
export interface VersionSummary {
  id: string;
  version: number;
  status: string;
  rowCount: number | null;
  format: string | null;
  fileCount: number;
  sizeBytes: number;
  createdAt: string;
  deletedAt: string | null;
}

/** A column's statistics. */
export interface ColumnStats {
  name: string;
  type: string;
  count: number;
  nullCount: number;
  min: string | null;
  max: string | null;
  mean: number | null;
  distinctEstimate: number | null;
}

/** One file of a version. */
export interface VersionFile {
  path: string;
  sizeBytes: number;
  sha256: string;
  format: string | null;
  split: string | null;
  rowCount: number | null;
}

/** A version with its files, schema, statistics and preview. */
export interface VersionDetail extends VersionSummary {
  datasetId: string;
  contentHash: string | null;
  labelColumn: string | null;
  description: string | null;
  uploadId: string | null;
  files: VersionFile[];
  stats: ColumnStats[];
  preview: { columns: string[]; rows: Array<Array<string | null>> };
  images: { count: number; classes: Array<{ name: string; count: number }> } | null;
  splits: Array<{ name: string; files: string[]; rows: number }>;
  usedBy: string[];
}

/** A problem validation found in an upload. */
export interface ValidationIssue {
  code: string;
  file: string;
  line: number | null;
  entry: string | null;
  message: string;
}

/** An upload session as the uploader reads it. */
export interface DatasetUpload {
  id: string;
  datasetId: string;
  status: string;
  progress: number;
  versionId: string | null;
  deduplicated: boolean;
  labelColumn: string | null;
  expiresAt: string;
  issues: ValidationIssue[];
}

/** A file of an upload session: how it is cut into parts. */
export interface UploadSessionFile {
  path: string;
  size: number;
  partSize: number;
  partCount: number;
}

export const DATASET_FIELDS =
  'id name description tags status format versionCount createdAt updatedAt deletedAt latestUpload { id status issues { code file line entry message } }';
const VERSION_SUMMARY_FIELDS = 'id version status rowCount format fileCount sizeBytes createdAt deletedAt';
const VERSION_DETAIL_FIELDS = `${VERSION_SUMMARY_FIELDS} datasetId contentHash labelColumn description uploadId
  files { path sizeBytes sha256 format split rowCount }
  stats { name type count nullCount min max mean distinctEstimate }
  preview { columns rows }
  images { count classes { name count } }
  splits { name files rows }
  usedBy`;
export const ISSUE_FIELDS = 'code file line entry message';
export const UPLOAD_FIELDS = `id datasetId status progress versionId deduplicated labelColumn expiresAt issues { ${ISSUE_FIELDS} }`;

const DATASET_BY_ID = `query DatasetById($id: ID!) { dataset(id: $id) { ${DATASET_FIELDS} } }`;
const DATASET_BY_NAME = `query DatasetByName($name: String!) { datasetByName(name: $name) { ${DATASET_FIELDS} } }`;
const DATASET_VERSIONS = `query DatasetVersions($id: ID!) {
  dataset(id: $id) { versions(includeDeleted: true) { ${VERSION_SUMMARY_FIELDS} } }
}`;
const DATASET_VERSION = `query DatasetVersion($id: ID!) { datasetVersion(id: $id) { ${VERSION_DETAIL_FIELDS} } }`;
const VERSION_FILES = `query DatasetVersionFiles($id: ID!) {
  datasetVersion(id: $id) { id version files { path sizeBytes sha256 downloadUrl } }
}`;
const LIST_DATASETS = `query Datasets($filter: DatasetFilter, $page: PageInput) {
  datasets(filter: $filter, page: $page) { items { ${DATASET_FIELDS} } nextCursor }
}`;
const UPLOAD = `query DatasetUpload($id: ID!) { datasetUpload(id: $id) { ${UPLOAD_FIELDS} } }`;

const PAGE_SIZE = 100;

/** The dataset named by id or name, or null. Names that look like ids are tried as names too. */
export async function lookUpDataset(client: ApiClient, nameOrId: string): Promise<Dataset | null> {
  if (isId(nameOrId)) {
    const { dataset } = await client.request<{ dataset: Dataset | null }>(DATASET_BY_ID, { id: nameOrId });
    if (dataset) return dataset;
  }
  const { datasetByName } = await client.request<{ datasetByName: Dataset | null }>(DATASET_BY_NAME, {
    name: nameOrId,
  });
  return datasetByName;
}

/** The dataset named by id or name; a UsageError pointing at `aitip datasets list` when there is none. */
export async function findDataset(client: ApiClient, nameOrId: string): Promise<Dataset> {
  const dataset = await lookUpDataset(client, nameOrId);
  if (!dataset) {
    throw new UsageError(
      `There is no dataset "${nameOrId}" in this organization. See your datasets with \`aitip datasets list\`.`,
    );
  }
  return dataset;
}

/** A dataset's versions, newest first, deleted (restorable) ones included. */
export async function listVersions(client: ApiClient, datasetId: string): Promise<VersionSummary[]> {
  const { dataset } = await client.request<{ dataset: { versions: VersionSummary[] } | null }>(DATASET_VERSIONS, {
    id: datasetId,
  });
  return dataset?.versions ?? [];
}

/**
 * Version `number` of the dataset (deleted ones only with `includeDeleted`), or its latest kept
 * version when `number` is undefined; a UsageError that lists the versions when there is no such one.
 */
export async function pickVersion(
  client: ApiClient,
  dataset: Dataset,
  number: number | undefined,
  includeDeleted = false,
): Promise<VersionSummary> {
  const versions = await listVersions(client, dataset.id);
  const candidates = versions.filter((v) => includeDeleted || !v.deletedAt);
  const found = number === undefined ? candidates[0] : candidates.find((v) => v.version === number);
  if (found) return found;
  const kept = versions.filter((v) => !v.deletedAt).map((v) => v.version);
  if (number === undefined) {
    throw new UsageError(
      `Dataset ${dataset.name} has no version yet. Upload files with \`aitip datasets upload <path> --dataset ${dataset.name}\`.`,
    );
  }
  throw new UsageError(
    `Dataset ${dataset.name} has no version ${number}` +
      (kept.length > 0 ? `; its versions are ${kept.join(', ')}.` : '; it has no version yet.') +
      ` See them with \`aitip datasets show ${dataset.name}\`.`,
  );
}

/** A version with its files, schema, statistics and preview. */
export async function versionDetail(client: ApiClient, versionId: string): Promise<VersionDetail> {
  const { datasetVersion } = await client.request<{ datasetVersion: VersionDetail | null }>(DATASET_VERSION, {
    id: versionId,
  });
  if (!datasetVersion) throw new UsageError(`There is no dataset version ${versionId} in this organization.`);
  return datasetVersion;
}

/** A file of a version with a presigned URL to download it. */
export interface DownloadableFile {
  path: string;
  sizeBytes: number;
  sha256: string;
  downloadUrl: string | null;
}

/** A version's files with fresh download URLs. */
export async function versionFiles(client: ApiClient, versionId: string): Promise<DownloadableFile[]> {
  const { datasetVersion } = await client.request<{ datasetVersion: { files: DownloadableFile[] } | null }>(
    VERSION_FILES,
    { id: versionId },
  );
  if (!datasetVersion) throw new UsageError(`There is no dataset version ${versionId} in this organization.`);
  return datasetVersion.files;
}

/** An upload session, or null when the platform no longer knows it. */
export async function getUpload(client: ApiClient, uploadId: string): Promise<DatasetUpload | null> {
  try {
    return (await client.request<{ datasetUpload: DatasetUpload }>(UPLOAD, { id: uploadId })).datasetUpload;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

/** Every dataset matching the filter, page after page. */
export async function listAll(client: ApiClient, filter: Record<string, unknown>): Promise<Dataset[]> {
  const items: Dataset[] = [];
  let after: string | null = null;
  do {
    const { datasets }: { datasets: { items: Dataset[]; nextCursor: string | null } } = await client.request(
      LIST_DATASETS,
      { filter, page: { first: PAGE_SIZE, after } },
    );
    items.push(...datasets.items);
    after = datasets.nextCursor;
  } while (after);
  return items;
}

/** A dataset by id or name, deleted ones included (by exact name among the deleted). */
export async function findRestorable(client: ApiClient, nameOrId: string): Promise<Dataset> {
  try {
    return await findDataset(client, nameOrId);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const deleted = await listAll(client, { name: nameOrId, deleted: true });
    const matches = deleted.filter((d) => d.name === nameOrId);
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      throw new UsageError(
        `${matches.length} deleted datasets are named ${nameOrId}: give the id of the one to restore ` +
          '(`aitip datasets list --deleted` shows them).',
      );
    }
    throw new UsageError(
      `There is no dataset "${nameOrId}", deleted or not, in this organization; it may be past its retention ` +
        'period. See the deleted ones with `aitip datasets list --deleted`.',
    );
  }
}

/**
 * Rewords the API's expected errors for the command line: what happened and what to do. Others
 * pass through unchanged.
 */
export function explainDatasetError(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err;
  switch (err.code) {
    case 'QUOTA_EXCEEDED':
      return new ApiError(
        `Dataset storage quota exceeded. ${quotaSummary(err.message) ?? ''} ${err.message}`.replace(/ +/g, ' '),
        err.code,
        err.reason,
      );
    case 'NOT_FOUND':
      return new ApiError(`${err.message} See your datasets with \`aitip datasets list\`.`, err.code, err.reason);
    default:
      return err;
  }
}
