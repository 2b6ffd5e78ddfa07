import type { Command } from 'commander';
import { print, printJson, type CommandContext } from '../commands/context.js';
import { UsageError } from '../errors.js';
import { cancelJob, getJob, listJobs, retryJob, submitJob, uploadCodeArchive } from './api.js';
import { printJobLogs } from './follow.js';
import { finalLine, jobsTable, renderJob } from './format.js';
import { readJobFile, submissionInput } from './spec-file.js';
import { packDirectory } from './tar-gz.js';

const STATUSES = ['PENDING', 'QUEUED', 'SCHEDULED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
// the platform's default upload limit (TRAINING_CODE_ARCHIVE_MAX_MIB); the server has the last word
const MAX_CODE_BYTES = 100 * 1024 * 1024;

/** `aitip jobs`: submit training jobs from a YAML file, follow their logs, list, inspect, cancel and retry them. */
export function registerJobs(program: Command, context: CommandContext): void {
  const jobs = program
    .command('jobs')
    .description('run training jobs (a job YAML file, see docs/training.md) and follow, list, cancel or retry them');

  jobs
    .command('run')
    .description("submit the job a YAML file describes; its code directory is uploaded as the job's code archive")
    .requiredOption('-f, --file <job.yaml>', 'the job spec file')
    .option('--follow', "print the job's log until it ends; exit 0 only when it SUCCEEDED")
    .option('--json', 'print the submitted job as JSON')
    .action(async (options: { file: string; follow?: boolean; json?: boolean }) => {
      const { spec, codeDir } = await readJobFile(options.file);
      const client = context.client();
      client.signedIn();
      let archiveId: string | null = null;
      if (codeDir) {
        const { archive, files } = await packDirectory(codeDir, MAX_CODE_BYTES);
        const uploaded = await uploadCodeArchive(client, archive);
        archiveId = uploaded.archiveId;
        process.stderr.write(`Uploaded ${files} files of ${codeDir} (${uploaded.size} bytes) as ${archiveId}.\n`);
      }
      const job = await submitJob(client, submissionInput(spec, archiveId));
      if (options.json && !options.follow) return printJson(job);
      process.stderr.write(`Submitted job ${job.id} (${job.name}): ${job.status}.\n`);
      if (!options.follow) return print(job.id);
      const ended = await printJobLogs(client, job.id, 0, true);
      process.stderr.write(`${finalLine(ended)}\n`);
      if (ended.status !== 'SUCCEEDED') process.exitCode = 1;
    });

  jobs
    .command('logs')
    .description("print a job's log (every attempt's lines, numbered from 0)")
    .argument('<job-id>', 'the job')
    .option('-f, --follow', 'keep printing new lines until the job ends')
    .option('--from <n>', 'start at line n', lineOf, 0)
    .action(async (id: string, options: { follow?: boolean; from: number }) => {
      const job = await printJobLogs(context.client(), id, options.from, Boolean(options.follow));
      if (options.follow) process.stderr.write(`${finalLine(job)}\n`);
    });

  jobs
    .command('list')
    .description("list the organization's training jobs, newest first")
    .option('--status <status>', `only jobs in this status (${STATUSES.join(', ')})`, statusOf)
    .option('--limit <n>', 'at most this many (1 to 200)', limitOf, 50)
    .option('--json', 'print the jobs as JSON')
    .action(async (options: { status?: string; limit: number; json?: boolean }) => {
      const { jobs: found, hasNextPage } = await listJobs(context.client(), {
        status: options.status,
        first: options.limit,
      });
      if (options.json) return printJson(found);
      if (found.length === 0) {
        return print(
          options.status ? `No job is ${options.status}.` : 'No training jobs yet: run `aitip jobs run -f job.yaml`.',
        );
      }
      print(jobsTable(found));
      if (hasNextPage) process.stderr.write(`Showing the newest ${found.length}; raise --limit to see more.\n`);
    });

  jobs
    .command('show')
    .description('a job: its status, run and attempts with their outcomes')
    .argument('<job-id>', 'the job')
    .option('--json', 'print the job as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const job = await getJob(context.client(), id);
      if (options.json) return printJson(job);
      print(renderJob(job));
    });

  jobs
    .command('cancel')
    .description('cancel a job: a waiting one ends at once, a running one is stopped')
    .argument('<job-id>', 'the job')
    .action(async (id: string) => {
      const job = await cancelJob(context.client(), id);
      print(
        job.status === 'CANCELLED'
          ? `Cancelled job ${id}.`
          : `Asked job ${id} to stop; it is ${job.status} until its worker has stopped it (aitip jobs show ${id}).`,
      );
    });

  jobs
    .command('retry')
    .description('run a FAILED, CANCELLED or TIMED_OUT job again as a new attempt (same run)')
    .argument('<job-id>', 'the job')
    .action(async (id: string) => {
      const job = await retryJob(context.client(), id);
      print(`Job ${id} is ${job.status} again (attempt ${job.attemptCount + 1} follows).`);
    });
}

function lineOf(value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--from ${value} must be a line number (0 or more).`);
  return Number(value);
}

function limitOf(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 200)
    throw new UsageError(`--limit ${value} must be a whole number from 1 to 200.`);
  return n;
}

function statusOf(value: string): string {
  const status = value.toUpperCase();
  if (!STATUSES.includes(status)) throw new UsageError(`--status ${value} must be one of ${STATUSES.join(', ')}.`);
  return status;
}
