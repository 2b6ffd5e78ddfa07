/**
 * Finding the cluster and judging what it can run: the kubeconfig from KUBECONFIG, the pod's service
 * account or ~/.kube/config; API errors turned into sentences; whether a worker's resources fit on
 * any node.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { KubeConfig, V1Node } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { ExecutionResources } from './executor.js';
import { GPU_RESOURCE } from './kubernetes-manifests.js';

/** The environment variables that say where the cluster is (passed in: only config.ts reads process.env). */
export interface ClusterEnvironment {
  KUBECONFIG?: string;
  KUBERNETES_SERVICE_HOST?: string;
  HOME?: string;
}

const NO_CLUSTER =
  'the kubernetes backend needs a cluster: set KUBECONFIG to a kubeconfig file (or run the platform in the cluster ' +
  'with a service account), or choose backend local or docker';

/** Loads the cluster's configuration, or says in a sentence why there is none. */
export async function loadKubeConfig(
  environment: ClusterEnvironment,
): Promise<{ kubeConfig: KubeConfig; problem: null } | { kubeConfig: null; problem: string }> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kubeConfig = new KubeConfig();
  const files = (environment.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  const homeConfig = environment.HOME ? join(environment.HOME, '.kube', 'config') : null;
  try {
    if (files.length > 0) {
      const missing = files.filter((file) => !existsSync(file));
      if (missing.length > 0) {
        return {
          kubeConfig: null,
          problem: `KUBECONFIG names ${missing.join(', ')}, which does not exist: point it at a kubeconfig file`,
        };
      }
      kubeConfig.loadFromFile(files[0]);
      for (const file of files.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(file);
        kubeConfig.mergeConfig(more, true);
      }
    } else if (environment.KUBERNETES_SERVICE_HOST) {
      kubeConfig.loadFromCluster();
    } else if (homeConfig && existsSync(homeConfig)) {
      kubeConfig.loadFromFile(homeConfig);
    } else {
      return { kubeConfig: null, problem: NO_CLUSTER };
    }
  } catch (error) {
    return {
      kubeConfig: null,
      problem: `the kubeconfig could not be read (${errorText(error)}): fix it or set KUBECONFIG to another file`,
    };
  }
  if (!kubeConfig.getCurrentCluster()) {
    return {
      kubeConfig: null,
      problem: 'the kubeconfig has no current context with a cluster: set current-context in it',
    };
  }
  return { kubeConfig, problem: null };
}

/** What the API answered when it refused a request: its HTTP code and its `Status` message. */
export interface ApiRefusal {
  code: number;
  reason: string;
  message: string;
}

/** The API's answer inside a client error, or null when the API was not reached at all. */
export function apiRefusal(error: unknown): ApiRefusal | null {
  if (!error || typeof error !== 'object' || typeof (error as { code?: unknown }).code !== 'number') return null;
  const { code, body } = error as { code: number; body?: unknown };
  let status: { reason?: string; message?: string } = {};
  try {
    status = typeof body === 'string' ? JSON.parse(body) : ((body ?? {}) as typeof status);
  } catch {
    status = { message: typeof body === 'string' ? body.slice(0, 500) : undefined };
  }
  return { code, reason: status.reason ?? '', message: status.message ?? `HTTP ${code}` };
}

/** A sentence for an error from a call to the API at `server`. */
export function describeApiError(error: unknown, server: string): string {
  const refusal = apiRefusal(error);
  if (!refusal) {
    return (
      `the Kubernetes API at ${server} did not answer (${errorText(error)}): ` +
      'check that the cluster is running and that KUBECONFIG points at it'
    );
  }
  if (refusal.code === 401) {
    return `the Kubernetes API at ${server} did not accept the kubeconfig's credentials: renew them`;
  }
  if (refusal.code === 403) {
    return `the Kubernetes API refused the platform's account (${refusal.message}): grant it access to Jobs, Services, NetworkPolicies and pods in the namespace`;
  }
  return `the Kubernetes API refused the request (${refusal.code} ${refusal.reason}): ${refusal.message}`;
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;
const MULTIPLIER: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes quantity (`7910m`, `32Gi`, `1e9`, `2`) in base units; NaN when it is not one. */
export function parseQuantity(quantity: string): number {
  const match = QUANTITY.exec(quantity.trim());
  if (!match) return NaN;
  const [, number, exponent, suffix] = match;
  return Number(number + (exponent ?? '')) * (suffix ? MULTIPLIER[suffix] : 1);
}

/** What one node can give to pods. */
export interface NodeCapacity {
  name: string;
  cpu: number;
  memoryMiB: number;
  gpus: number;
  labels: Record<string, string>;
}

/** The allocatable resources of the nodes that take new pods. */
export function nodeCapacities(nodes: V1Node[]): NodeCapacity[] {
  return nodes
    .filter((node) => !node.spec?.unschedulable)
    .map((node) => {
      const allocatable = node.status?.allocatable ?? {};
      const amount = (name: string) => parseQuantity(allocatable[name] ?? '0') || 0;
      return {
        name: node.metadata?.name ?? '',
        cpu: amount('cpu'),
        memoryMiB: Math.floor(amount('memory') / 2 ** 20),
        gpus: amount(GPU_RESOURCE),
        labels: node.metadata?.labels ?? {},
      };
    });
}

/**
 * Why no node can run one worker with `resources`, or null when one can (or when no node is
 * visible, e.g. a cluster that autoscales from zero, so nothing can be said).
 */
export function capacityProblem(
  nodes: NodeCapacity[],
  resources: ExecutionResources,
  gpuTypeLabel: string,
): string | null {
  if (nodes.length === 0) return null;
  const { cpu = 0, memoryMiB = 0, gpus = 0, gpuType } = resources;
  let candidates = nodes;
  if (gpuType) {
    candidates = nodes.filter((node) => node.labels[gpuTypeLabel] === gpuType);
    if (candidates.length === 0) {
      const types = [...new Set(nodes.map((node) => node.labels[gpuTypeLabel]).filter(Boolean))];
      return (
        `no node has GPU type ${gpuType} (node label ${gpuTypeLabel}): ` +
        (types.length
          ? `choose one of ${types.join(', ')}`
          : 'the cluster labels no node with a GPU type; leave gpuType out')
      );
    }
  }
  if (candidates.some((node) => node.cpu >= cpu && node.memoryMiB >= memoryMiB && node.gpus >= gpus)) return null;
  const largest = [...candidates].sort((a, b) => b.gpus - a.gpus || b.cpu - a.cpu || b.memoryMiB - a.memoryMiB)[0];
  return (
    `each worker asks for ${cpu} CPUs, ${memoryMiB} MiB of memory and ${gpus} GPUs, more than any node can give: ` +
    `the largest node, ${largest.name}, has ${largest.cpu} CPUs, ${largest.memoryMiB} MiB and ${largest.gpus} GPUs ` +
    'allocatable; lower resources (or spread the work over more workers)'
  );
}
