import { operation } from '../graphql/operations';

/** Where a dataset stands, from its versions and its latest upload. */
export type DatasetStatus = 'EMPTY' | 'VALIDATING' | 'READY' | 'INVALID';

/** UPLOADING → COMPLETING → VALIDATING → READY | INVALID; or ABORTED, EXPIRED. */
export type DatasetUploadStatus =
  'UPLOADING' | 'COMPLETING' | 'VALIDATING' | 'READY' | 'INVALID' | 'ABORTED' | 'EXPIRED';

/** Upload states after which nothing more happens. */
export const FINISHED_UPLOAD_STATUSES: readonly DatasetUploadStatus[] = ['READY', 'INVALID', 'ABORTED', 'EXPIRED'];

/** A dataset as the list and the dataset page show it. */
export interface DatasetSummary {
  id: string;
  name: string;
  description: string | null;
  tags: string[];
  status: DatasetStatus;
  format: string | null;
  versionCount: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** A version as the dataset page lists it. */
export interface DatasetVersionSummary {
  id: string;
  version: number;
  status: string;
  format: string | null;
  rowCount: number | null;
  sizeBytes: number;
  fileCount: number;
  description: string | null;
  createdAt: string;
  deletedAt: string | null;
}

/** The filters `datasets` takes; empty ones are left out. */
export interface DatasetFilter {
  name?: string;
  tags?: string[];
  status?: DatasetStatus;
  deleted?: boolean;
}

/** Datasets per page ("Load more" fetches the next this many). */
export const DATASETS_PAGE_SIZE = 25;

const DATASET_FIELDS = 'id name description tags status format versionCount createdAt updatedAt deletedAt';

export const DATASETS = operation<
  { datasets: { items: DatasetSummary[]; nextCursor: string | null } },
  { filter: DatasetFilter; page: { first: number; after: string | null } }
>(`
  query Datasets($filter: DatasetFilter, $page: PageInput) {
    datasets(filter: $filter, page: $page) {
      items { ${DATASET_FIELDS} }
      nextCursor
    }
  }
`);

export const DATASET = operation<
  {
    dataset:
      | (DatasetSummary & {
          versions: DatasetVersionSummary[];
          latestUpload: { id: string; status: DatasetUploadStatus; issues: ValidationIssue[] } | null;
        })
      | null;
  },
  { id: string }
>(`
  query Dataset($id: ID!) {
    dataset(id: $id) {
      ${DATASET_FIELDS}
      versions(includeDeleted: true) {
        id version status format rowCount sizeBytes fileCount description createdAt deletedAt
      }
      latestUpload { id status issues { code file line entry message } }
    }
  }
`);

export const CREATE_DATASET = operation<
  { createDataset: { id: string; name: string } },
  { input: { name: string; description?: string; tags?: string[] } }
>(`
  mutation CreateDataset($input: CreateDatasetInput!) {
    createDataset(input: $input) { id name }
  }
`);

/** Statistics of one column. */
export interface ColumnStats {
  name: string;
  type: string;
  count: number;
  nullCount: number;
  min: string | null;
  max: string | null;
  mean: number | null;
  std: number | null;
  distinctEstimate: number | null;
  topValues: { value: string; count: number }[];
  histogram: { start: number; end: number; count: number }[];
  distributionEstimated: boolean;
}

/** One file of a version. */
export interface DatasetFile {
  path: string;
  sizeBytes: number;
  sha256: string;
  format: string | null;
  split: string | null;
  rowCount: number | null;
  downloadUrl: string | null;
}

/** What the image archives of a version hold. */
export interface DatasetImages {
  count: number;
  classes: { name: string; count: number }[];
  splits: { name: string; count: number }[];
  thumbnails: { path: string; label: string | null; width: number; height: number; url: string }[];
}

/** A version with everything its page shows. */
export interface DatasetVersionDetail extends DatasetVersionSummary {
  datasetId: string;
  contentHash: string | null;
  labelColumn: string | null;
  createdBy: string | null;
  uploadId: string | null;
  usedBy: string[];
  archiveUrl: string | null;
  dataset: { id: string; name: string } | null;
  files: DatasetFile[];
  stats: ColumnStats[];
  preview: { columns: string[]; rows: (string | null)[][] };
  images: DatasetImages | null;
  splits: { name: string; files: string[]; rows: number }[];
}

const VERSION_FIELDS = `
  id datasetId version status contentHash sizeBytes fileCount rowCount format labelColumn description
  createdBy createdAt deletedAt uploadId usedBy archiveUrl
  dataset { id name }
  files { path sizeBytes sha256 format split rowCount downloadUrl }
  stats {
    name type count nullCount min max mean std distinctEstimate
    topValues { value count }
    histogram { start end count }
    distributionEstimated
  }
  preview { columns rows }
  images {
    count
    classes { name count }
    splits { name count }
    thumbnails { path label width height url }
  }
  splits { name files rows }
`;

export const DATASET_VERSION = operation<{ datasetVersion: DatasetVersionDetail | null }, { id: string }>(`
  query DatasetVersion($id: ID!) {
    datasetVersion(id: $id) { ${VERSION_FIELDS} }
  }
`);

export const DELETE_DATASET_VERSION = operation<
  { deleteDatasetVersion: { id: string; status: string } },
  { id: string }
>(`
  mutation DeleteDatasetVersion($id: ID!) {
    deleteDatasetVersion(id: $id) { id status deletedAt }
  }
`);

export const DELETE_DATASET = operation<{ deleteDataset: { id: string; deletedAt: string | null } }, { id: string }>(`
  mutation DeleteDataset($id: ID!) {
    deleteDataset(id: $id) { id deletedAt }
  }
`);

export const RESTORE_DATASET = operation<{ restoreDataset: { id: string; deletedAt: string | null } }, { id: string }>(`
  mutation RestoreDataset($id: ID!) {
    restoreDataset(id: $id) { id deletedAt }
  }
`);

export const RESTORE_DATASET_VERSION = operation<
  { restoreDatasetVersion: { id: string; status: string } },
  { id: string }
>(`
  mutation RestoreDatasetVersion($id: ID!) {
    restoreDatasetVersion(id: $id) { id status deletedAt }
  }
`);

/** A problem validation found in an upload. */
export interface ValidationIssue {
  code: string;
  file: string;
  line: number | null;
  entry: string | null;
  message: string;
}

/** One file of an upload session and where its parts go. */
export interface UploadSessionFile {
  path: string;
  size: number;
  partSize: number;
  partCount: number;
}

export interface PartUrl {
  partNumber: number;
  url: string;
}

export const START_DATASET_UPLOAD = operation<
  {
    startDatasetUpload: {
      id: string;
      status: DatasetUploadStatus;
      files: (UploadSessionFile & { partUrls: PartUrl[] })[];
    };
  },
  {
    input: {
      datasetId: string;
      files: { path: string; size: number; contentType?: string }[];
      labelColumn?: string;
      description?: string;
    };
  }
>(`
  mutation StartDatasetUpload($input: StartDatasetUploadInput!) {
    startDatasetUpload(input: $input) {
      id status
      files { path size partSize partCount partUrls { partNumber url } }
    }
  }
`);

/** An upload's files with the parts already in storage: what a resume needs first. */
export const DATASET_UPLOAD_PARTS = operation<
  {
    datasetUpload: {
      id: string;
      datasetId: string;
      status: DatasetUploadStatus;
      files: (UploadSessionFile & { uploadedParts: { partNumber: number; size: number }[] })[];
    };
  },
  { id: string }
>(`
  query DatasetUploadParts($id: ID!) {
    datasetUpload(id: $id) {
      id datasetId status
      files { path size partSize partCount uploadedParts { partNumber size } }
    }
  }
`);

/** Fresh presigned URLs (they expire) for the parts numbered, or for every part with null. */
export const DATASET_UPLOAD_PART_URLS = operation<
  { datasetUpload: { id: string; files: { path: string; partUrls: PartUrl[] }[] } },
  { id: string; partNumbers: number[] | null }
>(`
  query DatasetUploadPartUrls($id: ID!, $partNumbers: [Int!]) {
    datasetUpload(id: $id) {
      id
      files { path partUrls(partNumbers: $partNumbers) { partNumber url } }
    }
  }
`);

/** Where an upload stands, once its parts are sent. */
export interface UploadOutcome {
  id: string;
  status: DatasetUploadStatus;
  progress: number;
  versionId: string | null;
  deduplicated: boolean;
  issues: ValidationIssue[];
}

const OUTCOME_FIELDS = 'id status progress versionId deduplicated issues { code file line entry message }';

export const DATASET_UPLOAD_OUTCOME = operation<{ datasetUpload: UploadOutcome }, { id: string }>(`
  query DatasetUploadOutcome($id: ID!) {
    datasetUpload(id: $id) { ${OUTCOME_FIELDS} }
  }
`);

export const COMPLETE_DATASET_UPLOAD = operation<
  { completeDatasetUpload: UploadOutcome },
  { input: { uploadId: string } }
>(`
  mutation CompleteDatasetUpload($input: CompleteDatasetUploadInput!) {
    completeDatasetUpload(input: $input) { ${OUTCOME_FIELDS} }
  }
`);

export const ABORT_DATASET_UPLOAD = operation<
  { abortDatasetUpload: { id: string; status: DatasetUploadStatus } },
  { id: string }
>(`
  mutation AbortDatasetUpload($id: ID!) {
    abortDatasetUpload(id: $id) { id status }
  }
`);

/** One step of an upload's validation, as `datasetVersionProgress` sends it. */
export interface UploadProgressEvent {
  cursor: string;
  status: DatasetUploadStatus;
  progress: number;
  message: string;
  versionId: string | null;
  issues: ValidationIssue[];
}

/** Plain text: the page subscribes through graphql-ws itself (see useUploadProgress). */
export const DATASET_VERSION_PROGRESS_SOURCE = `
  subscription DatasetVersionProgress($uploadId: ID!, $after: String) {
    datasetVersionProgress(uploadId: $uploadId, after: $after) {
      cursor status progress message versionId
      issues { code file line entry message }
    }
  }
`;
