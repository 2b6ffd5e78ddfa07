/**
 * One running attempt on Kubernetes: polls its Job and pods until they say how it ended, follows
 * each pod's log once its command runs, and removes the attempt's objects when it ends.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchV1Api, CoreV1Api, KubeConfig, NetworkingV1Api, V1Pod } from '@kubernetes/client-node' with {
  'resolution-mode': 'import',
};
import type { Execution, ExecutionLine, ExecutionResult } from './executor.js';
import { LineSplitter } from './lines.js';
import { apiRefusal, describeApiError } from './kubernetes-cluster.js';
import { openContainerLog, readLogTail, LogRequestError, type ContainerLog } from './kubernetes-logs.js';
import {
  EXECUTION_LABEL,
  FETCH_CONTAINER,
  MAIN_CONTAINER,
  type KubernetesManifestOptions,
} from './kubernetes-manifests.js';
import type { KubernetesExecutionSpec } from './kubernetes-spec.js';
import { judgeAttempt, mainStarted, podRank, workerResults, type Verdict } from './kubernetes-status.js';

/** The API clients of one cluster. */
export interface Cluster {
  kubeConfig: KubeConfig;
  server: string;
  batch: BatchV1Api;
  core: CoreV1Api;
  networking: NetworkingV1Api;
}

export interface ExecutionSettings extends KubernetesManifestOptions {
  pollIntervalMs: number;
  logDrainMs: number;
}

/** Consecutive failed reads of the API after which an attempt is given up as an infrastructure failure. */
const API_FAILURE_LIMIT = 15;

/** One running attempt: polls its Job and pods until they say how it ended, and follows pod logs. */
export class KubernetesExecution implements Execution {
  readonly done: Promise<ExecutionResult>;
  private cancelRequested = false;
  private ended = false;
  private readonly logs = new Map<string, { rank: number; open: Promise<ContainerLog | null> }>();
  private readonly lastPods = new Map<number, V1Pod>();

  constructor(
    private readonly cluster: Cluster,
    private readonly settings: ExecutionSettings,
    private readonly spec: KubernetesExecutionSpec,
    private readonly onLine: (line: ExecutionLine) => void,
  ) {
    this.done = this.watch();
  }

  async cancel(): Promise<void> {
    if (this.ended || this.cancelRequested) return;
    this.cancelRequested = true;
    try {
      // Foreground: the Job stays until its pods are gone, so `done` waits for every worker to end.
      await removeAttempt(this.cluster, this.settings.namespace, this.spec.name, 'Foreground');
    } catch (error) {
      this.cancelRequested = false;
      throw error;
    }
  }

  private async watch(): Promise<ExecutionResult> {
    let failures = 0;
    for (;;) {
      let verdict: Verdict | null = null;
      try {
        verdict = await this.poll();
        failures = 0;
      } catch (error) {
        if (++failures >= API_FAILURE_LIMIT) {
          verdict = {
            outcome: 'infrastructure',
            message: `lost the Kubernetes API: ${describeApiError(error, this.cluster.server)}`,
          };
        }
      }
      if (verdict) return this.finish(verdict);
      await sleep(this.settings.pollIntervalMs);
    }
  }

  private async poll(): Promise<Verdict | null> {
    const { batch, core } = this.cluster;
    const { namespace } = this.settings;
    const name = this.spec.name;
    const job = await batch.readNamespacedJob({ namespace, name }).catch((error: unknown) => {
      if (apiRefusal(error)?.code === 404) return null;
      throw error;
    });
    const pods = (await core.listNamespacedPod({ namespace, labelSelector: `${EXECUTION_LABEL}=${name}` })).items;
    for (const pod of pods) {
      const rank = podRank(pod);
      if (rank === null) continue;
      this.lastPods.set(rank, pod);
      if (mainStarted(pod)) this.follow(pod.metadata?.name ?? '', rank);
    }
    return judgeAttempt(job, pods, {
      workers: this.spec.workers,
      memoryMiB: this.spec.resources.memoryMiB,
      cancelled: this.cancelRequested,
      now: Date.now(),
    });
  }

  /** Starts following a pod's log unless it already is; a refused request is tried again on the next poll. */
  private follow(pod: string, rank: number): void {
    if (this.logs.has(pod)) return;
    const splitter = new LineSplitter((text) => {
      try {
        this.onLine({ rank, stream: 'stdout', text, at: Date.now() });
      } catch {
        // The consumer's failure must not end the attempt's watch.
      }
    });
    const target = { namespace: this.settings.namespace, pod, container: MAIN_CONTAINER };
    const open = openContainerLog(this.cluster.kubeConfig, target, { follow: true }, (chunk) =>
      splitter.push(chunk),
    ).then(
      (log) => {
        void log.ended.then(() => splitter.end());
        return log;
      },
      (error: unknown) => {
        // 400: the container is not running yet; anything but a vanished pod is worth another try.
        if (!(error instanceof LogRequestError && error.code === 404)) this.logs.delete(pod);
        return null;
      },
    );
    this.logs.set(pod, { rank, open });
  }

  private async finish(verdict: Verdict): Promise<ExecutionResult> {
    const { fetchLogOf, ...result } = verdict;
    if (fetchLogOf) {
      const target = { namespace: this.settings.namespace, pod: fetchLogOf, container: FETCH_CONTAINER };
      const tail = await readLogTail(this.cluster.kubeConfig, target, 5);
      if (tail) result.message += `: ${tail.replace(/\s*\n\s*/g, ' / ')}`;
    }
    // Logs of ended containers are complete once read to their end; read them before the pods go.
    const endedPods = [...this.lastPods.values()].filter((pod) => !mainStarted(pod) || isTerminated(pod));
    await this.drain(endedPods.map((pod) => pod.metadata?.name ?? ''));
    if (verdict.outcome !== 'cancelled') {
      await removeAttempt(this.cluster, this.settings.namespace, this.spec.name, 'Background').catch(() => undefined);
    }
    await this.drain([...this.logs.keys()]);
    for (const { open } of this.logs.values()) void open.then((log) => log?.stop());
    this.ended = true;
    return { ...result, workers: workerResults([...this.lastPods.values()], this.spec.workers) };
  }

  /** Waits, at most `logDrainMs`, for the named pods' logs to reach their end. */
  private async drain(pods: string[]): Promise<void> {
    const ends = pods.map((pod) => this.logs.get(pod)?.open.then((log) => log?.ended));
    const timer = new AbortController();
    await Promise.race([
      Promise.all(ends),
      sleep(this.settings.logDrainMs, undefined, { signal: timer.signal }).catch(() => undefined),
    ]);
    timer.abort();
  }
}

function isTerminated(pod: V1Pod): boolean {
  return Boolean(pod.status?.containerStatuses?.find((s) => s.name === MAIN_CONTAINER)?.state?.terminated);
}

/** Deletes an attempt's Job (its pods go with it), Service and NetworkPolicy; what is already gone is fine. */
export async function removeAttempt(
  cluster: Cluster,
  namespace: string,
  name: string,
  propagationPolicy: string,
): Promise<void> {
  await ignoring(404, cluster.batch.deleteNamespacedJob({ namespace, name, propagationPolicy }));
  await ignoring(404, cluster.core.deleteNamespacedService({ namespace, name }));
  await ignoring(404, cluster.networking.deleteNamespacedNetworkPolicy({ namespace, name }));
}

/** Awaits an API call, taking an answer of `code` (409 on create, 404 on delete) as success. */
export async function ignoring(code: number, call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (apiRefusal(error)?.code !== code) throw error;
  }
}
