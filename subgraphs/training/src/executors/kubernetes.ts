/**
 * The Kubernetes backend: an attempt is an Indexed Job (plus a headless Service for 2+ workers and a
 * NetworkPolicy without network), created through the API with @kubernetes/client-node, watched by
 * polling the Job and its pods, with each pod's log followed over the API. When the attempt ends its
 * objects are deleted; `ttlSecondsAfterFinished` removes them anyway if this process dies first.
 * Files in the output directory are not collected here: jobs on a cluster log their artifacts
 * through the MLflow-compatible API (network on). Kubernetes merges a container's stdout and stderr
 * in its log, so every line arrives as `stdout`.
 */
import type { KubeConfig, V1Job, V1NetworkPolicyEgressRule } from '@kubernetes/client-node' with {
  'resolution-mode': 'import',
};
import { InputError } from '@aitip/kit';
import type { Execution, Executor, StartOptions } from './executor.js';
import {
  apiRefusal,
  capacityProblem,
  describeApiError,
  loadKubeConfig,
  nodeCapacities,
  type ClusterEnvironment,
} from './kubernetes-cluster.js';
import {
  ignoring,
  KubernetesExecution,
  removeAttempt,
  type Cluster,
  type ExecutionSettings,
} from './kubernetes-execution.js';
import { CLUSTER_DNS_EGRESS, MANAGED_LABEL, renderKubernetesManifests } from './kubernetes-manifests.js';
import type { KubernetesExecutionSpec } from './kubernetes-spec.js';

export type { KubernetesExecutionSpec } from './kubernetes-spec.js';

export interface KubernetesExecutorOptions {
  /** Namespace the attempts run in. */
  namespace: string;
  /** The cluster; when absent it is found from `environment` (KUBECONFIG, in-cluster, ~/.kube/config). */
  kubeConfig?: KubeConfig;
  environment?: ClusterEnvironment;
  /** Image of the step that fetches code and inputs (default `aitip/base:1`). */
  initImage?: string;
  /** Node label holding the GPU model that `resources.gpuType` selects (default `nvidia.com/gpu.product`). */
  gpuTypeLabel?: string;
  /** Default 3600. */
  ttlSecondsAfterFinished?: number;
  /** Egress for jobs without network besides their own pods (default: the cluster DNS only). */
  isolatedEgress?: V1NetworkPolicyEgressRule[];
  /** How often an attempt's Job and pods are read (default 2000 ms). */
  pollIntervalMs?: number;
  /** How long an ended attempt waits for the rest of its logs (default 10000 ms). */
  logDrainMs?: number;
}

/** Creates the Kubernetes backend; with no cluster configured it still starts, and `check()` says what to set. */
export async function createKubernetesExecutor(options: KubernetesExecutorOptions): Promise<KubernetesExecutor> {
  const loaded = options.kubeConfig
    ? { kubeConfig: options.kubeConfig, problem: null }
    : await loadKubeConfig(options.environment ?? {});
  const settings: ExecutionSettings = {
    namespace: options.namespace,
    initImage: options.initImage ?? 'aitip/base:1',
    gpuTypeLabel: options.gpuTypeLabel ?? 'nvidia.com/gpu.product',
    ttlSecondsAfterFinished: options.ttlSecondsAfterFinished ?? 3600,
    isolatedEgress: options.isolatedEgress ?? [CLUSTER_DNS_EGRESS],
    pollIntervalMs: options.pollIntervalMs ?? 2000,
    logDrainMs: options.logDrainMs ?? 10_000,
  };
  if (!loaded.kubeConfig) return new KubernetesExecutor(null, loaded.problem, settings);
  const { BatchV1Api, CoreV1Api, NetworkingV1Api } = await import('@kubernetes/client-node');
  const { kubeConfig } = loaded;
  const cluster: Cluster = {
    kubeConfig,
    server: kubeConfig.getCurrentCluster()?.server ?? '',
    batch: kubeConfig.makeApiClient(BatchV1Api),
    core: kubeConfig.makeApiClient(CoreV1Api),
    networking: kubeConfig.makeApiClient(NetworkingV1Api),
  };
  return new KubernetesExecutor(cluster, null, settings);
}

export class KubernetesExecutor implements Executor {
  readonly backend = 'kubernetes' as const;

  constructor(
    private readonly cluster: Cluster | null,
    private readonly problem: string | null,
    private readonly settings: ExecutionSettings,
  ) {}

  async check(spec: KubernetesExecutionSpec): Promise<void> {
    const cluster = this.connected();
    renderKubernetesManifests(spec, this.settings);
    let nodes;
    try {
      nodes = await cluster.core.listNode();
    } catch (error) {
      // An account that may not list nodes (common outside cluster-admin) leaves the size unchecked.
      if (apiRefusal(error)?.code === 403) return;
      throw new InputError(describeApiError(error, cluster.server));
    }
    const problem = capacityProblem(nodeCapacities(nodes.items), spec.resources, this.settings.gpuTypeLabel);
    if (problem) throw new InputError(problem);
  }

  async start(spec: KubernetesExecutionSpec, options: StartOptions): Promise<Execution> {
    const cluster = this.connected();
    const { job, service, networkPolicy } = renderKubernetesManifests(spec, this.settings);
    const namespace = this.settings.namespace;
    try {
      // The policy exists before any pod, so no pod ever runs with the network open.
      if (service) await ignoring(409, cluster.core.createNamespacedService({ namespace, body: service }));
      if (networkPolicy) {
        await ignoring(409, cluster.networking.createNamespacedNetworkPolicy({ namespace, body: networkPolicy }));
      }
      await cluster.batch.createNamespacedJob({ namespace, body: job });
    } catch (error) {
      const refusal = apiRefusal(error);
      // A Job of that name is another start of the same attempt: leave it and its objects alone.
      if (refusal?.code === 409) throw new Error(`a Job named ${spec.name} already exists in namespace ${namespace}`);
      await this.cleanup(spec.name).catch(() => undefined);
      const message = describeApiError(error, cluster.server);
      throw refusal && refusal.code >= 400 && refusal.code < 500 ? new InputError(message) : new Error(message);
    }
    return new KubernetesExecution(cluster, this.settings, spec, options.onLine);
  }

  async running(labels: Record<string, string>): Promise<Array<{ name: string; labels: Record<string, string> }>> {
    const cluster = this.connected();
    const selector = Object.entries({ ...labels, [MANAGED_LABEL]: 'true' }).map(([key, value]) => `${key}=${value}`);
    const jobs = await cluster.batch.listNamespacedJob({
      namespace: this.settings.namespace,
      labelSelector: selector.join(','),
    });
    return jobs.items
      .filter((job) => !job.metadata?.deletionTimestamp && !finished(job))
      .map((job) => ({ name: job.metadata?.name ?? '', labels: job.metadata?.labels ?? {} }));
  }

  async cleanup(name: string): Promise<void> {
    await removeAttempt(this.connected(), this.settings.namespace, name, 'Background');
  }

  private connected(): Cluster {
    if (!this.cluster) throw new InputError(this.problem ?? 'the kubernetes backend has no cluster configured');
    return this.cluster;
  }
}

function finished(job: V1Job): boolean {
  return (job.status?.conditions ?? []).some(
    (c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed' || c.type === 'SuccessCriteriaMet'),
  );
}
