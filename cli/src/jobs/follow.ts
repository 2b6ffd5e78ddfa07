import type { ApiClient } from '../api-client.js';
import { FINAL_STATUSES, getJob, type TrainingJob } from './api.js';
import { jobEvents, jobLogs, type JobLogLine } from './feeds.js';

// once the line count is known the log is complete; should lines stay missing (an archive that failed),
// stop after this long without a line
const MISSING_LINES_GRACE_MS = 10_000;

const linesOf = (job: TrainingJob) => job.attempts.reduce((n, a) => n + a.logLines, 0);

/** Writes a log line: stdout lines to stdout, stderr lines to stderr, other workers' lines with their rank. */
export function writeLogLine(line: JobLogLine, previous: JobLogLine | undefined): void {
  if (previous && previous.attempt !== line.attempt) process.stderr.write(`--- attempt ${line.attempt} ---\n`);
  const text = `${line.rank > 0 ? `[rank ${line.rank}] ` : ''}${line.text}\n`;
  (line.stream === 'stderr' ? process.stderr : process.stdout).write(text);
}

/**
 * Prints the job's log from line `fromLine`. `follow`: until the job has ended and its last line is
 * printed; otherwise the lines it has recorded now. Answers the job as it is at the end.
 */
export async function printJobLogs(
  client: ApiClient,
  jobId: string,
  fromLine: number,
  follow: boolean,
  write: (line: JobLogLine, previous: JobLogLine | undefined) => void = writeLogLine,
): Promise<TrainingJob> {
  let job = await getJob(client, jobId);
  const controller = new AbortController();
  let next = fromLine;
  let target: number | null = follow && !FINAL_STATUSES.has(job.status) ? null : linesOf(job);
  let previous: JobLogLine | undefined;
  let grace: NodeJS.Timeout | undefined;
  const stopWhenComplete = () => {
    if (target === null) return;
    if (next >= target) return controller.abort();
    clearTimeout(grace);
    grace = setTimeout(() => controller.abort(), MISSING_LINES_GRACE_MS);
  };
  stopWhenComplete();

  const watchEnd = async () => {
    for await (const event of jobEvents(client, jobId, controller.signal)) {
      if (!FINAL_STATUSES.has(event.status)) continue;
      job = await getJob(client, jobId);
      // a retry may have started it again since
      if (!FINAL_STATUSES.has(job.status)) continue;
      target = linesOf(job);
      stopWhenComplete();
      return;
    }
  };
  const printLines = async () => {
    for await (const lines of jobLogs(client, jobId, fromLine, controller.signal)) {
      for (const line of lines) {
        if (line.number < next) continue;
        write(line, previous);
        previous = line;
        next = line.number + 1;
      }
      stopWhenComplete();
    }
  };
  const quietly = (work: Promise<void>) =>
    work.catch((err: unknown) => {
      if (!controller.signal.aborted) throw err;
    });
  try {
    if (!controller.signal.aborted) {
      // the log stream ending (the router stopping) ends the wait for the job's end too
      const printing = quietly(printLines()).finally(() => controller.abort());
      await Promise.all([printing, follow ? quietly(watchEnd()) : Promise.resolve()]);
    }
  } finally {
    clearTimeout(grace);
    controller.abort();
  }
  return follow ? job : await getJob(client, jobId);
}
