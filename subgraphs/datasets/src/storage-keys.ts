/** Where a dataset's objects live in blob storage; every key starts with the organization. */
export const datasetPrefix = (orgId: string, datasetId: string) => `datasets/${orgId}/${datasetId}/`;

/** The staged object of one file of an upload; it stays the version file's object once validated. */
export const uploadFileKey = (orgId: string, datasetId: string, uploadId: string, index: number) =>
  `${datasetPrefix(orgId, datasetId)}uploads/${uploadId}/${index}`;

/** Objects made for a version (thumbnails); its files stay under the upload that brought them. */
export const versionPrefix = (orgId: string, datasetId: string, versionId: string) =>
  `${datasetPrefix(orgId, datasetId)}versions/${versionId}/`;

/** A thumbnail of a version's image archive. */
export const thumbnailKey = (orgId: string, datasetId: string, versionId: string, index: number, ext: string) =>
  `${versionPrefix(orgId, datasetId, versionId)}thumbnails/${index}.${ext}`;

/** The bus stream of an upload's validation progress; named by organization so no tenant reads another's. */
export const uploadProgressStream = (orgId: string, uploadId: string) => `datasets:${orgId}:upload:${uploadId}`;

/** The queue of validation jobs. */
export const VALIDATE_QUEUE = 'datasets.validate';
