/** Path of the datasets list. */
export const DATASETS_PATH = '/datasets';

const VERSIONS_PREFIX = `${DATASETS_PATH}/versions/`;

/** Path of a dataset's page. */
export function datasetPath(datasetId: string): string {
  return `${DATASETS_PATH}/${encodeURIComponent(datasetId)}`;
}

/** Path of a dataset version's page. */
export function datasetVersionPath(versionId: string): string {
  return `${VERSIONS_PREFIX}${encodeURIComponent(versionId)}`;
}

/** Which datasets page a path is: the list, a dataset, or a version; null for other paths. */
export type DatasetsLocation = { page: 'list' } | { page: 'dataset'; id: string } | { page: 'version'; id: string };

/** Reads a (normalized) shell path as a datasets page, or null when it is not one. */
export function datasetsLocation(path: string): DatasetsLocation | null {
  if (path === DATASETS_PATH) return { page: 'list' };
  if (path.startsWith(VERSIONS_PREFIX)) {
    const id = path.slice(VERSIONS_PREFIX.length);
    return id && !id.includes('/') ? { page: 'version', id: decodeURIComponent(id) } : null;
  }
  if (path.startsWith(`${DATASETS_PATH}/`)) {
    const id = path.slice(DATASETS_PATH.length + 1);
    return id && !id.includes('/') ? { page: 'dataset', id: decodeURIComponent(id) } : null;
  }
  return null;
}
