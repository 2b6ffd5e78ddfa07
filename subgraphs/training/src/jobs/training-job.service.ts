import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, InputError, NotFoundError, requireOrg, type Bus, type Identity, type Logger } from '@aitip/kit';
import type { CodeArchives } from '../code-archives/code-archives.js';
import type { TrainingSettings } from '../settings.js';
import { CANCEL_CHANNEL } from '../storage-keys.js';
import { admitJob } from './admission.js';
import type { DatasetsClient } from './datasets-client.js';
import type { ExperimentsClient, RunOwner } from './experiments-client.js';
import { checkSupported, executionSpecOf, type Executors } from './execution-plan.js';
import type { JobLifecycle } from './job-lifecycle.js';
import { JobSpecError, validateJobSpec, type JobSpec } from './job-spec.js';
import { FINAL_STATUSES, type AttemptRecord, type JobStatus, type TrainingJobRecord } from './training-job.record.js';

/** The run tag that names the job a run belongs to. */
export const JOB_TAG = 'aitip.training.job';

/** Submitting, reading, cancelling and retrying training jobs. */
export class TrainingJobService {
  private codeArchives: CodeArchives | null = null;

  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly executors: Executors,
    private readonly experiments: ExperimentsClient | null,
    private readonly datasets: DatasetsClient,
    private readonly bus: Bus,
    private readonly settings: TrainingSettings,
    private readonly log: Logger,
  ) {}

  /** Lets jobs name uploaded code archives (`code.archiveId`), checked against `archives` at submission. */
  useCodeArchives(archives: CodeArchives): void {
    this.codeArchives = archives;
  }

  private get store() {
    return this.lifecycle.store;
  }

  /** Checks the spec, stores the job, links its experiment run and queues it. */
  async submit(identity: Identity, input: unknown): Promise<TrainingJobRecord> {
    const orgId = requireOrg(identity);
    const checked = validateJobSpec(input);
    if (checked.problems) throw new JobSpecError(checked.problems);
    const spec = checked.spec;
    await this.checkRunnable(orgId, spec);
    const inputVersions = spec.inputs.length > 0 ? await this.datasets.resolve(orgId, spec.inputs) : [];
    const job = await this.store.insert(orgId, {
      name: spec.name,
      spec,
      inputVersions,
      backend: spec.backend,
      experimentName: spec.experiment,
      maxRetries: spec.maxRetries,
      createdBy: identity.userId ?? identity.apiKeyId ?? null,
    });
    await this.lifecycle.announce(job);
    try {
      await this.linkRun(job, { orgId, userId: identity.userId ?? null });
    } catch (err) {
      this.log.warn({ err, jobId: job.id }, 'could not create the experiment run of a job');
      const failed = await this.lifecycle.move(orgId, job.id, ['PENDING'], 'FAILED', {
        message: `could not create its experiment run: ${(err as Error).message}`,
        hint: 'check that the experiments service is running, then retry the job',
        ended: true,
      });
      return failed ?? job;
    }
    return (await admitJob(this.lifecycle, job)) ?? job;
  }

  /** What the backend can tell before anything runs: unknown backend or image, command not found. */
  private async checkRunnable(orgId: string, spec: JobSpec): Promise<void> {
    checkSupported(spec, this.settings);
    if (spec.code?.archiveId) {
      if (!this.codeArchives) {
        throw new InputError('code.archiveId: this platform keeps no code archives; put the code in the image', {
          field: 'code.archiveId',
        });
      }
      await this.codeArchives.requireExisting(orgId, spec.code.archiveId);
    }
    const executor = this.executors.get(spec.backend);
    const scratch = join(tmpdir(), 'aitip-submit-check');
    let codeDir = spec.code?.path ?? null;
    let extracted: string | null = null;
    // a command that is a path inside the code (./train.sh): the local check looks for it there
    const command = spec.command[0] ?? '';
    if (spec.code?.archiveId && this.codeArchives && spec.backend === 'local' && command.includes('/')) {
      extracted = await mkdtemp(join(tmpdir(), 'aitip-submit-code-'));
      codeDir = extracted;
      await this.codeArchives.extractTo(orgId, spec.code.archiveId, extracted);
    }
    try {
      const plan = executionSpecOf(orgId, '00000000-0000-0000-0000-000000000000', 1, spec, {
        codeDir,
        outputDir: join(scratch, 'output'),
        scratchDir: scratch,
      });
      await executor.check(plan);
    } finally {
      if (extracted) await rm(extracted, { recursive: true, force: true });
    }
  }

  private async linkRun(job: TrainingJobRecord, owner: RunOwner): Promise<void> {
    if (!this.experiments) return;
    const experimentId = await this.experiments.ensureExperiment(owner, job.spec.experiment);
    const runId = await this.experiments.createRun(owner, experimentId, job.name, { [JOB_TAG]: job.id });
    const params = Object.fromEntries(Object.entries(job.spec.hyperparameters).map(([k, v]) => [k, String(v)]));
    if (Object.keys(params).length > 0) await this.experiments.logBatch(owner, runId, { params });
    await this.store.linkRun(job.orgId, job.id, experimentId, runId);
    job.experimentId = experimentId;
    job.runId = runId;
  }

  /** The job, or a NotFoundError. */
  async get(identity: Identity, id: string): Promise<TrainingJobRecord> {
    const job = await this.store.findById(requireOrg(identity), id);
    if (!job) throw new NotFoundError(`There is no training job ${id} in this organization.`);
    return job;
  }

  async find(identity: Identity, id: string): Promise<TrainingJobRecord | null> {
    return this.store.findById(identity.orgId, id);
  }

  /** A page of jobs, newest first. */
  async list(
    identity: Identity,
    options: { status?: JobStatus | null; first: number; after?: string | null },
  ): Promise<{ jobs: TrainingJobRecord[]; hasNextPage: boolean }> {
    const orgId = requireOrg(identity);
    if (options.first < 1 || options.first > 200) {
      throw new InputError('first must be between 1 and 200.', { field: 'first' });
    }
    if (options.after && !(await this.store.findById(orgId, options.after))) {
      throw new InputError(`"${options.after}" is not a cursor of this list; pass the endCursor of a page.`, {
        field: 'after',
      });
    }
    const rows = await this.store.list(orgId, { ...options, limit: options.first + 1 });
    return { jobs: rows.slice(0, options.first), hasNextPage: rows.length > options.first };
  }

  async attempts(orgId: string, jobId: string): Promise<AttemptRecord[]> {
    return this.store.attempts(orgId, jobId);
  }

  /**
   * Cancels the job: one that waits is CANCELLED at once; one that runs is stopped by its worker
   * (told on the cancel channel, and by its next heartbeat should that message be lost).
   */
  async cancel(identity: Identity, id: string): Promise<TrainingJobRecord> {
    const job = await this.get(identity, id);
    if (FINAL_STATUSES.includes(job.status)) {
      throw new ConflictError(`Training job ${id} already ended (${job.status}); there is nothing to cancel.`);
    }
    await this.store.requestCancel(job.orgId, id);
    const waiting = await this.store.transition(job.orgId, id, ['PENDING', 'QUEUED'], 'CANCELLED', {
      message: 'cancelled before it started',
      ended: true,
    });
    if (waiting) {
      await this.finishRun(waiting, 'KILLED');
      await this.lifecycle.announce(waiting);
      return waiting;
    }
    await this.bus.publish(CANCEL_CHANNEL, { orgId: job.orgId, jobId: id });
    return (await this.store.findById(job.orgId, id)) ?? job;
  }

  /** Runs an ended job again as a new attempt (its run is reused). */
  async retry(identity: Identity, id: string): Promise<TrainingJobRecord> {
    const job = await this.get(identity, id);
    if (job.status === 'SUCCEEDED' || !FINAL_STATUSES.includes(job.status)) {
      throw new ConflictError(
        `Training job ${id} is ${job.status}; only a FAILED, CANCELLED or TIMED_OUT job can be retried.`,
      );
    }
    const queued = await this.store.requeue(job.orgId, id, [job.status], 'retry requested; waiting for a worker');
    if (!queued) throw new ConflictError(`Training job ${id} changed while retrying; look at it again.`);
    await this.lifecycle.announce(queued);
    if (queued.runId && this.experiments) {
      await this.experiments
        .setRunStatus({ orgId: queued.orgId, userId: null }, queued.runId, 'RUNNING')
        .catch((err: unknown) => this.log.warn({ err, jobId: id }, 'could not reopen the run of a retried job'));
    }
    await this.lifecycle.enqueue(queued);
    return queued;
  }

  /** Sets the end status of the job's run, when it has one; a failure is logged. */
  async finishRun(job: TrainingJobRecord, status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void> {
    if (!job.runId || !this.experiments) return;
    await this.experiments
      .setRunStatus({ orgId: job.orgId, userId: null }, job.runId, status)
      .catch((err: unknown) => this.log.warn({ err, jobId: job.id }, 'could not set the status of a job run'));
  }
}
