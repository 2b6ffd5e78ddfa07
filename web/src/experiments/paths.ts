/** Path of the experiments list. */
export const EXPERIMENTS_PATH = '/experiments';

const RUNS_PREFIX = `${EXPERIMENTS_PATH}/runs/`;

/** Path of the compare view; the runs to compare are in `?runs=<id>,<id>`. */
export const COMPARE_PATH = `${EXPERIMENTS_PATH}/compare`;

/** The most runs `compareRuns` and `metricHistories` take at once. */
export const MAX_COMPARED_RUNS = 100;

/** Path of an experiment's page (its runs table). */
export function experimentPath(experimentId: string): string {
  return `${EXPERIMENTS_PATH}/${encodeURIComponent(experimentId)}`;
}

/** Path of a run's page. */
export function runPath(runId: string): string {
  return `${RUNS_PREFIX}${encodeURIComponent(runId)}`;
}

/** Path of the compare view for these runs (in this order). */
export function comparePath(runIds: readonly string[]): string {
  return `${COMPARE_PATH}?runs=${runIds.map(encodeURIComponent).join(',')}`;
}

/** The run ids in the current address's `?runs=`, without repeats, at most MAX_COMPARED_RUNS. */
export function comparedRunIds(search: string = window.location.search): string[] {
  const list = new URLSearchParams(search).get('runs') ?? '';
  const ids = list
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  return [...new Set(ids)].slice(0, MAX_COMPARED_RUNS);
}

/** Which experiments page a path is; null for other paths. */
export type ExperimentsLocation =
  { page: 'list' } | { page: 'experiment'; id: string } | { page: 'run'; id: string } | { page: 'compare' };

/** Reads a (normalized) shell path as an experiments page, or null when it is not one. */
export function experimentsLocation(path: string): ExperimentsLocation | null {
  if (path === EXPERIMENTS_PATH) return { page: 'list' };
  if (path === COMPARE_PATH) return { page: 'compare' };
  if (path.startsWith(RUNS_PREFIX)) {
    const id = path.slice(RUNS_PREFIX.length);
    return id && !id.includes('/') ? { page: 'run', id: decodeURIComponent(id) } : null;
  }
  if (path.startsWith(`${EXPERIMENTS_PATH}/`)) {
    const id = path.slice(EXPERIMENTS_PATH.length + 1);
    return id && !id.includes('/') ? { page: 'experiment', id: decodeURIComponent(id) } : null;
  }
  return null;
}
