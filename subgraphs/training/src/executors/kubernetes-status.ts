/**
 * Reads how an attempt stands from its Job and pods, as the API shows them, and says when and how it
 * ended. Pods say more than the Job (which worker, which exit code, OOMKilled, which image did not
 * pull), so they are read first; the Job's conditions say what pods cannot: that its deadline passed.
 */
import { constants } from 'node:os';
import type { V1ContainerStatus, V1Job, V1Pod } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { ExecutionResult, WorkerResult } from './executor.js';
import { COMPLETION_INDEX, FETCH_CONTAINER, MAIN_CONTAINER } from './kubernetes-manifests.js';

/** What the judgement needs to know of the attempt besides the API's view. */
export interface AttemptFacts {
  workers: number;
  memoryMiB?: number;
  /** `cancel()` was called: the attempt ends, cancelled, once its Job is gone. */
  cancelled: boolean;
  now: number;
}

/** How the attempt ended, without the per-worker results; `fetchLogOf` names a pod whose fetch step failed. */
export type Verdict = Omit<ExecutionResult, 'workers'> & { fetchLogOf?: string };

const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const SETUP_FAILURES = new Set(['CreateContainerConfigError', 'CreateContainerError']);
const START_FAILURES = new Set(['StartError', 'ContainerCannotRun']);
const PULL_HINT = "check the image name and that the cluster's nodes can pull it";

/** The worker rank of a pod of an Indexed Job, or null for a pod without one. */
export function podRank(pod: V1Pod): number | null {
  const index = pod.metadata?.annotations?.[COMPLETION_INDEX] ?? pod.metadata?.labels?.[COMPLETION_INDEX];
  return index !== undefined && /^\d+$/.test(index) ? Number(index) : null;
}

/** Whether the pod's main container has started, i.e. whether it has a log to follow. */
export function mainStarted(pod: V1Pod): boolean {
  const state = containerStatus(pod, MAIN_CONTAINER)?.state;
  return Boolean(state?.running || state?.terminated);
}

/** The verdict on an attempt, or null while it still runs. `job` is null once the Job is gone. */
export function judgeAttempt(job: V1Job | null, pods: V1Pod[], facts: AttemptFacts): Verdict | null {
  if (facts.cancelled) return job ? null : { outcome: 'cancelled', message: 'the attempt was cancelled' };
  if (!job) {
    return {
      outcome: 'infrastructure',
      message: 'the Job was deleted outside the platform before it finished',
    };
  }
  const conditions = (job.status?.conditions ?? []).filter((condition) => condition.status === 'True');
  const deadline = job.spec?.activeDeadlineSeconds;
  if (conditions.some((c) => (c.type === 'Failed' || c.type === 'FailureTarget') && c.reason === 'DeadlineExceeded')) {
    return { outcome: 'timed_out', message: `the attempt ran longer than its timeout of ${deadline} seconds` };
  }
  // Past the deadline the Job controller stops the pods before it says why; their exit codes would
  // read as the user's failure.
  const started = job.status?.startTime ? new Date(job.status.startTime).getTime() : null;
  const pastDeadline = Boolean(deadline && started !== null && facts.now >= started + deadline * 1000);
  const complete = conditions.some((c) => c.type === 'Complete' || c.type === 'SuccessCriteriaMet');
  const failed = conditions.find((c) => c.type === 'Failed');
  if (pastDeadline && !complete && !failed) return null;

  const ranked = pods
    .map((pod) => ({ pod, rank: podRank(pod) }))
    .filter((entry): entry is { pod: V1Pod; rank: number } => entry.rank !== null)
    .sort((a, b) => a.rank - b.rank);
  const verdict = setupFailure(ranked) ?? workerFailure(ranked, facts);
  if (verdict) return verdict;
  const succeeded = new Set(
    ranked
      .filter(({ pod }) => containerStatus(pod, MAIN_CONTAINER)?.state?.terminated?.exitCode === 0)
      .map((e) => e.rank),
  );
  if (succeeded.size >= facts.workers || complete) {
    return {
      outcome: 'succeeded',
      message: `${facts.workers === 1 ? 'the worker' : `all ${facts.workers} workers`} exited with code 0`,
    };
  }
  if (failed) {
    return {
      outcome: 'infrastructure',
      message: `the Job failed (${failed.reason}): ${failed.message ?? 'no message'}`,
    };
  }
  return null;
}

/** Images that do not pull, a fetch step that failed, pods that failed without their command ending. */
function setupFailure(ranked: Array<{ pod: V1Pod; rank: number }>): Verdict | null {
  for (const { pod, rank } of ranked) {
    for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const waiting = status.state?.waiting;
      if (waiting?.reason && PULL_FAILURES.has(waiting.reason)) {
        return {
          outcome: 'infrastructure',
          message: `worker ${rank} could not pull image "${imageOf(pod, status)}" (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})`,
          hint: PULL_HINT,
        };
      }
      if (waiting?.reason && SETUP_FAILURES.has(waiting.reason)) {
        return {
          outcome: 'infrastructure',
          message: `worker ${rank} could not be set up (${waiting.reason}): ${waiting.message ?? ''}`,
        };
      }
    }
    const fetch = containerStatus(pod, FETCH_CONTAINER, true)?.state?.terminated;
    if (fetch && fetch.exitCode !== 0) {
      return {
        outcome: 'infrastructure',
        message: `worker ${rank} could not fetch its code or inputs (the fetch step exited with code ${fetch.exitCode})`,
        fetchLogOf: pod.metadata?.name,
      };
    }
    if (pod.status?.phase === 'Failed' && !containerStatus(pod, MAIN_CONTAINER)?.state?.terminated) {
      const why = [pod.status.reason, pod.status.message].filter(Boolean).join(': ') || 'no reason given';
      return { outcome: 'infrastructure', message: `worker ${rank}'s pod failed before its command ended (${why})` };
    }
  }
  return null;
}

/** The first worker whose command failed: OOM first (peers of a killed worker fail after it), then by time. */
function workerFailure(ranked: Array<{ pod: V1Pod; rank: number }>, facts: AttemptFacts): Verdict | null {
  const failures = ranked
    .map(({ pod, rank }) => ({ rank, ended: containerStatus(pod, MAIN_CONTAINER)?.state?.terminated }))
    .filter((entry) => entry.ended && entry.ended.exitCode !== 0)
    .sort((a, b) => finishedAt(a.ended) - finishedAt(b.ended) || a.rank - b.rank);
  const oom = failures.find((entry) => entry.ended?.reason === 'OOMKilled');
  if (oom) {
    const limit = facts.memoryMiB;
    return {
      outcome: 'oom',
      message: `worker ${oom.rank} ran out of memory (OOMKilled)${limit ? ` at its limit of ${limit} MiB` : ''}`,
      hint: limit ? `raise resources.memoryMiB above ${limit}` : 'give the job more memory with resources.memoryMiB',
    };
  }
  const first = failures[0];
  if (!first?.ended) return null;
  if (first.ended.reason && START_FAILURES.has(first.ended.reason)) {
    return {
      outcome: 'failed',
      message: `worker ${first.rank} could not start its command: ${first.ended.message ?? first.ended.reason}`,
      hint: 'check that command names a program the image has',
    };
  }
  return { outcome: 'failed', message: `worker ${first.rank} exited with code ${first.ended.exitCode}` };
}

/** Each rank's result from the latest pod seen for it. */
export function workerResults(pods: V1Pod[], workers: number): WorkerResult[] {
  return Array.from({ length: workers }, (_, rank) => {
    const pod = pods.filter((p) => podRank(p) === rank).at(-1);
    const ended = pod ? containerStatus(pod, MAIN_CONTAINER)?.state?.terminated : undefined;
    const signal = ended?.signal
      ? Object.entries(constants.signals).find(([, n]) => n === ended.signal)?.[0]
      : undefined;
    return {
      rank,
      exitCode: ended?.exitCode ?? null,
      signal: signal ?? null,
      oomKilled: ended?.reason === 'OOMKilled',
    };
  });
}

function containerStatus(pod: V1Pod, name: string, init = false): V1ContainerStatus | undefined {
  const statuses = init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
  return statuses?.find((status) => status.name === name);
}

function imageOf(pod: V1Pod, status: V1ContainerStatus): string {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return containers.find((container) => container.name === status.name)?.image ?? status.image;
}

function finishedAt(ended: { finishedAt?: Date } | undefined): number {
  return ended?.finishedAt ? new Date(ended.finishedAt).getTime() : Number.MAX_SAFE_INTEGER;
}
