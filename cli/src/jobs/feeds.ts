import type { ApiClient } from '../api-client.js';
import { subscribeOverSse } from '../sse.js';

/** One line of a job's log. */
export interface JobLogLine {
  number: number;
  attempt: number;
  rank: number;
  stream: string;
  text: string;
}

/** A status change of a job. */
export interface JobEvent {
  status: string;
  attempt: number | null;
  message: string | null;
  cursor: string;
}

/** The job's log lines from `fromLine`, batch by batch (replayed, then as they are printed). */
export async function* jobLogs(
  client: ApiClient,
  jobId: string,
  fromLine: number,
  signal: AbortSignal,
): AsyncGenerator<JobLogLine[]> {
  const query = `subscription JobLogs($jobId: ID!, $fromLine: Int!) {
    jobLogs(jobId: $jobId, fromLine: $fromLine) { firstLine lines { number attempt rank stream text } }
  }`;
  for await (const batch of subscribeOverSse<{ lines: JobLogLine[] }>(client, query, { jobId, fromLine }, signal)) {
    yield batch.lines;
  }
}

/** The job's status changes (replayed from the start, then as they happen). */
export function jobEvents(client: ApiClient, jobId: string, signal: AbortSignal): AsyncGenerator<JobEvent> {
  const query = `subscription JobEvents($jobId: ID!) { jobEvents(jobId: $jobId) { status attempt message cursor } }`;
  return subscribeOverSse<JobEvent>(client, query, { jobId }, signal);
}
