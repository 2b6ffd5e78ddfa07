import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { BlobStore, Bus, Logger, Queue } from '@aitip/kit';
import type { Execution, ExecutionResult } from '../executors/executor.js';
import type { DatasetsClient } from '../jobs/datasets-client.js';
import type { ExperimentsClient, RunOwner } from '../jobs/experiments-client.js';
import { CodeArchives } from '../code-archives/code-archives.js';
import { attemptDirs, codeOnWorker, executionSpecOf, type Executors } from '../jobs/execution-plan.js';
import type { JobLifecycle } from '../jobs/job-lifecycle.js';
import type { TrainingJobRecord } from '../jobs/training-job.record.js';
import type { TrainingJobService } from '../jobs/training-job.service.js';
import type { WorkloadKey, WorkloadKeysClient } from '../jobs/workload-keys-client.js';
import type { TrainingSettings } from '../settings.js';
import { attemptLogKey, jobLogsStream } from '../storage-keys.js';
import { AttemptLog } from './attempt-log.js';
import { concludeAttempt, statusOf, type AttemptVerdict } from './attempt-outcome.js';
import { MetricBatcher } from './metric-batcher.js';
import { parseMetricLine } from './metric-lines.js';

/** What running an attempt needs. */
export interface AttemptContext {
  workerId: string;
  lifecycle: JobLifecycle;
  jobs: TrainingJobService;
  executors: Executors;
  experiments: ExperimentsClient | null;
  datasets: DatasetsClient;
  workloadKeys: WorkloadKeysClient | null;
  bus: Bus;
  queue: Queue;
  blob: BlobStore;
  settings: TrainingSettings;
  log: Logger;
  /** Where attempts get their directories on this machine. */
  workRoot: string;
}

/** An attempt this worker runs. */
export interface RunningAttempt {
  readonly done: Promise<void>;
  /** Stops it (a cancel request, or the worker stopping). */
  cancel(): void;
}

/** The verdict of an execution's result; the worker's own stop counts as an infrastructure failure. */
function verdictOf(result: ExecutionResult, workerStopped: boolean, cancelRequested: boolean): AttemptVerdict {
  const failed = result.workers.find((w) => w.exitCode !== null && w.exitCode !== 0);
  const allZero = result.workers.length > 0 && result.workers.every((w) => w.exitCode === 0);
  const exitCode = failed?.exitCode ?? (allZero ? 0 : null);
  if (result.outcome === 'cancelled' && workerStopped && !cancelRequested) {
    return { outcome: 'infrastructure', message: 'its worker stopped', exitCode };
  }
  if (result.outcome === 'oom') {
    return {
      outcome: 'oom',
      message: 'OOMKilled',
      hint: result.hint ?? 'the job used more memory than resources.memoryMiB allows; raise it',
      exitCode,
    };
  }
  return { outcome: result.outcome, message: result.message, ...(result.hint ? { hint: result.hint } : {}), exitCode };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** A workload key lives this long past the attempt's timeout (or a week, the longest, without one). */
const KEY_MARGIN_SECONDS = 600;
const KEY_MAX_SECONDS = 7 * 86_400;

/** Runs the claimed (SCHEDULED) attempt `job.attempts` of `job` to its end. */
export function runAttempt(ctx: AttemptContext, job: TrainingJobRecord, workerStopping: () => boolean): RunningAttempt {
  let execution: Execution | undefined;
  let cancelled = false;
  let cancelRequested = job.cancelRequested;
  const cancel = () => {
    cancelled = true;
    void execution?.cancel().catch((err: unknown) => ctx.log.warn({ err, jobId: job.id }, 'cancel failed'));
  };
  const done = run();
  return { done, cancel };

  async function run(): Promise<void> {
    const { store } = ctx.lifecycle;
    const attempt = job.attempts;
    const log = ctx.log.child({ jobId: job.id, attempt });
    const owner: RunOwner = { orgId: job.orgId, userId: job.createdBy };
    const spec = job.spec;
    const dirs = attemptDirs(ctx.workRoot, job.id, attempt, codeOnWorker(spec));
    await rm(dirs.scratchDir, { recursive: true, force: true });
    await mkdir(dirs.outputDir, { recursive: true });
    if (spec.code?.path && dirs.codeDir) await cp(spec.code.path, dirs.codeDir, { recursive: true });

    const previous = await store.attempts(job.orgId, job.id);
    const firstLine = previous.filter((a) => a.attempt < attempt).reduce((sum, a) => sum + a.logLines, 0);
    const attemptLog = new AttemptLog(
      ctx.bus,
      jobLogsStream(job.orgId, job.id),
      attempt,
      firstLine,
      ctx.settings.TRAINING_LOG_STREAM_MAX_LEN,
      join(dirs.scratchDir, 'attempt.log'),
      log,
    );
    const metrics =
      ctx.experiments && job.runId ? new MetricBatcher(ctx.experiments, owner, job.runId, log) : undefined;
    const extraEnv: Record<string, string> = {};
    if (job.runId) extraEnv['MLFLOW_RUN_ID'] = job.runId;
    // MLflow clients add /api/2.0/mlflow/… themselves: the tracking URI is the router's own address
    if (ctx.settings.PUBLIC_URL) extraEnv['MLFLOW_TRACKING_URI'] = ctx.settings.PUBLIC_URL.replace(/\/$/, '');
    const plan = executionSpecOf(job.orgId, job.id, attempt, spec, dirs, extraEnv);

    const beat = async () => {
      const state = await store.heartbeat(job.orgId, job.id, attempt, attemptLog.lines);
      if (state.cancelRequested) cancelRequested = true;
      // given up on by the reconcile loop (this worker looked dead), or asked to stop
      if (!state.live || state.cancelRequested) cancel();
    };
    // heartbeats start before the inputs download, which may take longer than the stale limit
    const heartbeat = setInterval(() => {
      beat().catch((err: unknown) => log.warn({ err }, 'heartbeat failed'));
    }, ctx.settings.TRAINING_HEARTBEAT_SECONDS * 1000);
    let result: ExecutionResult;
    let trackingKey: WorkloadKey | undefined;
    try {
      if (ctx.workloadKeys?.configured && job.runId) {
        const ttl = Math.min(KEY_MAX_SECONDS, (spec.timeoutSeconds ?? KEY_MAX_SECONDS) + KEY_MARGIN_SECONDS);
        trackingKey = await ctx.workloadKeys.issue(owner, `training job ${job.id} attempt ${attempt}`, ttl);
        plan.env['MLFLOW_TRACKING_TOKEN'] = trackingKey.secret;
      }
      const archiveId = spec.code?.archiveId;
      if (archiveId) {
        const archives = new CodeArchives(ctx.blob);
        if (dirs.codeDir) await archives.extractTo(job.orgId, archiveId, dirs.codeDir);
        // the pod fetches it itself: the link must outlive waiting for a node and the run
        else
          plan.codeArchiveUrl = await archives.presignedUrl(
            job.orgId,
            archiveId,
            (spec.timeoutSeconds ?? 86_400) + 3600,
          );
      }
      for (const input of job.inputVersions) {
        // pods share no disk with this worker: they fetch each file themselves, through presigned URLs
        if (job.backend === 'kubernetes') {
          plan.inputs.push({ name: input.name, files: await ctx.datasets.fileLinks(job.orgId, input.versionId) });
          continue;
        }
        const hostPath = join(dirs.scratchDir, 'inputs', input.name);
        await ctx.datasets.download(job.orgId, input.versionId, hostPath);
        plan.inputs.push({ name: input.name, hostPath });
      }
      const executor = ctx.executors.get(job.backend);
      await executor.cleanup(plan.name);
      if (cancelled) {
        result = { outcome: 'cancelled', message: 'cancelled before it started', workers: [] };
      } else {
        execution = await executor.start(plan, {
          flow: attemptLog,
          onLine(line) {
            attemptLog.write(line);
            if (metrics && line.stream === 'stdout') {
              const reported = parseMetricLine(line.text, line.at);
              if (reported) metrics.add(reported);
            }
          },
        });
        await store.attemptRunning(job.orgId, job.id, attempt);
        await ctx.lifecycle.move(job.orgId, job.id, ['SCHEDULED'], 'RUNNING', {
          message: `attempt ${attempt} running on ${ctx.workerId}`,
          started: true,
        });
        // a cancel that arrived while it started
        if (cancelled) cancel();
        await beat();
        result = await execution.done;
      }
    } catch (err) {
      log.warn({ err }, 'the attempt could not start');
      result = { outcome: 'infrastructure', message: `could not start: ${(err as Error).message}`, workers: [] };
    } finally {
      clearInterval(heartbeat);
    }
    // the key dies with the attempt; its expiry covers a revoke that fails
    if (trackingKey) {
      await ctx.workloadKeys
        ?.revoke(owner, trackingKey.id)
        .catch((err: unknown) => log.warn({ err }, "could not revoke the attempt's MLflow token"));
    }

    const current = (await store.findById(job.orgId, job.id)) ?? job;
    cancelRequested ||= current.cancelRequested;
    const verdict = verdictOf(result, workerStopping(), cancelRequested);
    await metrics?.flush();
    const logKey = attemptLogKey(job.orgId, job.id, attempt);
    let archived: string | null = logKey;
    await attemptLog.archive(ctx.blob, logKey).catch((err: unknown) => {
      archived = null;
      log.warn({ err }, 'could not archive the attempt log');
    });
    if (ctx.experiments && job.runId && job.experimentId) {
      for (const file of await filesUnder(dirs.outputDir)) {
        const path = relative(dirs.outputDir, file).split('\\').join('/');
        await ctx.experiments
          .uploadArtifact(owner, job.experimentId, job.runId, path, file)
          .catch((err: unknown) => log.warn({ err, path }, 'could not upload an output file as an artifact'));
      }
    }
    const stillOurs = await store.finishAttempt(job.orgId, job.id, attempt, {
      status: cancelRequested && verdict.outcome === 'cancelled' ? 'CANCELLED' : statusOf(verdict),
      outcome: verdict.outcome,
      exitCode: verdict.exitCode,
      message: verdict.message,
      hint: verdict.hint ?? null,
      logLines: attemptLog.lines,
      logArchiveKey: archived,
    });
    if (stillOurs) await concludeAttempt(ctx.lifecycle, ctx.jobs, { ...current, attempts: attempt }, verdict, log);
    else log.warn('the attempt was given up on while it ran (missed heartbeats); its result is dropped');
    await ctx.executors
      .get(job.backend)
      .cleanup(plan.name)
      .catch((err: unknown) => log.warn({ err }, 'cleanup failed'));
    await rm(dirs.scratchDir, { recursive: true, force: true });
  }
}
