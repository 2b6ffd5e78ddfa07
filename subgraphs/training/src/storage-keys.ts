/** The queue workers take attempts from. */
export const ATTEMPTS_QUEUE = 'training.attempts';

/** The bus channel cancel requests travel on to the worker running the attempt. */
export const CANCEL_CHANNEL = 'training.cancel';

/** A job's transitions, for jobEvents (bounded, replayable). */
export const jobEventsStream = (orgId: string, jobId: string) => `training:${orgId}:job:${jobId}:events`;

/** A job's log lines over all its attempts, for jobLogs (bounded, replayable). */
export const jobLogsStream = (orgId: string, jobId: string) => `training:${orgId}:job:${jobId}:logs`;

/** The organization and job of a log stream name. */
export function jobOfLogStream(stream: string): [string, string] {
  const match = /^training:([^:]+):job:([^:]+):logs$/.exec(stream);
  if (!match) throw new Error(`"${stream}" is not a job log stream`);
  return [match[1]!, match[2]!];
}

/** Where an attempt's log is archived when it ends. */
export const attemptLogKey = (orgId: string, jobId: string, attempt: number) =>
  `training/${orgId}/${jobId}/attempt-${attempt}.log`;

/** Where an uploaded code archive is kept. */
export const codeArchiveKey = (orgId: string, archiveId: string) => `training/${orgId}/code/${archiveId}.tar.gz`;
