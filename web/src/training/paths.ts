/** Path of the training jobs list. */
export const TRAINING_PATH = '/training';

/** Path of the submit form. */
export const NEW_JOB_PATH = `${TRAINING_PATH}/new`;

/** Path of a job's page. */
export function jobPath(jobId: string): string {
  return `${TRAINING_PATH}/${encodeURIComponent(jobId)}`;
}

/** Which training page a path is; null for other paths. */
export type TrainingLocation = { page: 'list' } | { page: 'new' } | { page: 'job'; id: string };

/** Reads a (normalized) shell path as a training page, or null when it is not one. */
export function trainingLocation(path: string): TrainingLocation | null {
  if (path === TRAINING_PATH) return { page: 'list' };
  if (path === NEW_JOB_PATH) return { page: 'new' };
  if (path.startsWith(`${TRAINING_PATH}/`)) {
    const id = path.slice(TRAINING_PATH.length + 1);
    return id && !id.includes('/') ? { page: 'job', id: decodeURIComponent(id) } : null;
  }
  return null;
}
