/**
 * Renders one attempt as Kubernetes objects (pure: no API calls). `workers` pods run as an Indexed
 * Job, so each pod's completion index is its rank and its hostname is `<name>-<index>`; with 2+
 * workers a headless Service of the same name gives rank 0 the DNS name `<name>-0.<name>` that
 * every rank uses as MASTER_ADDR. Kubernetes does not retry (backoffLimit 0): retries are the
 * platform's, which knows user failures from infrastructure ones.
 */
import { posix } from 'node:path';
import type {
  V1Container,
  V1EnvVar,
  V1Job,
  V1NetworkPolicy,
  V1NetworkPolicyEgressRule,
  V1PodSpec,
  V1ResourceRequirements,
  V1SecurityContext,
  V1Service,
  V1VolumeMount,
} from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { rendezvousEnv } from './executor.js';
import { validateKubernetesSpec, type KubernetesExecutionSpec } from './kubernetes-spec.js';

/** On every object this backend creates. */
export const MANAGED_LABEL = 'aitip.dev/managed';
/** Names the attempt an object belongs to; pods are found, and the Service selects them, by it. */
export const EXECUTION_LABEL = 'aitip.dev/execution';
/** The annotation the Job controller puts on each pod of an Indexed Job: the pod's rank. */
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const MAIN_CONTAINER = 'main';
export const FETCH_CONTAINER = 'fetch';
export const MASTER_PORT = 29500;
export const GPU_RESOURCE = 'nvidia.com/gpu';

const DATA_DIR = '/data';
const WORKSPACE_DIR = '/workspace';
const OUTPUT_DIR = '/workspace/output';
const USER_ID = 1000;

/**
 * Egress a job without network may still use: the cluster DNS (kube-dns in kube-system), which the
 * workers need to find rank 0 and the fetch step to find the blob store.
 */
export const CLUSTER_DNS_EGRESS: V1NetworkPolicyEgressRule = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

/**
 * Egress rules to TCP destinations written `10.0.3.7/32:9000` (comma-separated), e.g. the blob store
 * that the fetch step downloads the code archive from.
 */
export function egressTo(destinations: string): V1NetworkPolicyEgressRule[] {
  return destinations
    .split(',')
    .map((destination) => destination.trim())
    .filter(Boolean)
    .map((destination) => {
      const colon = destination.lastIndexOf(':');
      return {
        to: [{ ipBlock: { cidr: destination.slice(0, colon) } }],
        ports: [{ protocol: 'TCP', port: Number(destination.slice(colon + 1)) }],
      };
    });
}

export interface KubernetesManifestOptions {
  namespace: string;
  /** Image of the step that fetches code and inputs; needs `sh`, `wget`, `tar` and a uid 1000 user. */
  initImage: string;
  /** Node label whose value is `resources.gpuType` on nodes with that GPU model. */
  gpuTypeLabel: string;
  /** Kubernetes deletes a finished Job after this long if the platform did not (it normally does at once). */
  ttlSecondsAfterFinished: number;
  /**
   * Egress rules for jobs without network, besides their own pods. Add the blob store here, or the
   * fetch step cannot download inputs and code under the policy.
   */
  isolatedEgress: V1NetworkPolicyEgressRule[];
}

/** The objects of one attempt; `service` only with 2+ workers, `networkPolicy` only without network. */
export interface KubernetesManifests {
  job: V1Job;
  service: V1Service | null;
  networkPolicy: V1NetworkPolicy | null;
}

/** Renders an attempt's Job, Service and NetworkPolicy; throws an `InputError` for a spec Kubernetes cannot run. */
export function renderKubernetesManifests(
  spec: KubernetesExecutionSpec,
  options: KubernetesManifestOptions,
): KubernetesManifests {
  validateKubernetesSpec(spec);
  const labels = { ...spec.labels, [MANAGED_LABEL]: 'true', [EXECUTION_LABEL]: spec.name };
  const selector = { [EXECUTION_LABEL]: spec.name };
  const metadata = { name: spec.name, namespace: options.namespace, labels };
  const distributed = spec.workers > 1;
  const job: V1Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      completionMode: 'Indexed',
      completions: spec.workers,
      parallelism: spec.workers,
      backoffLimit: 0,
      ttlSecondsAfterFinished: options.ttlSecondsAfterFinished,
      ...(spec.timeoutSeconds !== null ? { activeDeadlineSeconds: spec.timeoutSeconds } : {}),
      template: { metadata: { labels }, spec: podSpec(spec, options) },
    },
  };
  const service: V1Service | null = distributed
    ? {
        apiVersion: 'v1',
        kind: 'Service',
        metadata,
        spec: {
          clusterIP: 'None',
          selector,
          // Ranks look rank 0 up while it starts, before any readiness.
          publishNotReadyAddresses: true,
          ports: [{ name: 'rendezvous', port: MASTER_PORT, targetPort: MASTER_PORT, protocol: 'TCP' }],
        },
      }
    : null;
  const networkPolicy: V1NetworkPolicy | null = spec.network
    ? null
    : {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata,
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ['Ingress', 'Egress'],
          // client-node's models name the field `_from` and send it as `from`.
          ingress: [{ _from: [{ podSelector: { matchLabels: selector } }] }],
          egress: [{ to: [{ podSelector: { matchLabels: selector } }] }, ...options.isolatedEgress],
        },
      };
  return { job, service, networkPolicy };
}

function podSpec(spec: KubernetesExecutionSpec, options: KubernetesManifestOptions): V1PodSpec {
  const { gpus = 0, gpuType } = spec.resources;
  const resources = containerResources(spec);
  const securityContext: V1SecurityContext = {
    runAsNonRoot: true,
    runAsUser: USER_ID,
    runAsGroup: USER_ID,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
  const mounts = (dataReadOnly: boolean): V1VolumeMount[] => [
    { name: 'workspace', mountPath: WORKSPACE_DIR },
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'data', mountPath: DATA_DIR, readOnly: dataReadOnly },
  ];
  const fetch: V1Container = {
    name: FETCH_CONTAINER,
    image: options.initImage,
    command: ['sh', '-c', fetchScript(spec)],
    workingDir: '/tmp',
    // The pod asks for the larger of the init and main containers, so this costs nothing extra;
    // GPUs stay with the main container.
    ...(resources.requests?.cpu || resources.requests?.memory ? { resources: withoutGpus(resources) } : {}),
    securityContext,
    volumeMounts: mounts(false),
  };
  const main: V1Container = {
    name: MAIN_CONTAINER,
    image: spec.image,
    command: spec.command,
    workingDir: WORKSPACE_DIR,
    env: workerEnv(spec),
    ...(resources.requests ? { resources } : {}),
    ...(spec.workers > 1 ? { ports: [{ name: 'rendezvous', containerPort: MASTER_PORT, protocol: 'TCP' }] } : {}),
    securityContext,
    volumeMounts: mounts(true),
  };
  return {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    // Service links would put every Service of the namespace into the job's environment.
    enableServiceLinks: false,
    terminationGracePeriodSeconds: spec.graceSeconds ?? 10,
    ...(spec.workers > 1 ? { subdomain: spec.name } : {}),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: USER_ID,
      runAsGroup: USER_ID,
      fsGroup: USER_ID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    initContainers: [fetch],
    containers: [main],
    volumes: [
      { name: 'workspace', emptyDir: {} },
      { name: 'tmp', emptyDir: {} },
      { name: 'data', emptyDir: {} },
    ],
    ...(gpuType ? { nodeSelector: { [options.gpuTypeLabel]: gpuType } } : {}),
    ...(gpus > 0 ? { tolerations: [{ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' }] } : {}),
  };
}

/** The spec's env, then the platform's variables, which win: RANK is the pod's completion index. */
function workerEnv(spec: KubernetesExecutionSpec): V1EnvVar[] {
  const masterAddr = spec.workers > 1 ? `${spec.name}-0.${spec.name}` : 'localhost';
  const platform: Record<string, string> = {
    AITIP_DATA_DIR: DATA_DIR,
    AITIP_OUTPUT_DIR: OUTPUT_DIR,
    ...rendezvousEnv(masterAddr, MASTER_PORT, 0, spec.workers, false),
  };
  const rankFromIndex = { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } };
  return [
    ...Object.entries(spec.env)
      .filter(([name]) => !(name in platform))
      .map(([name, value]) => ({ name, value })),
    ...Object.entries(platform).map(([name, value]) =>
      name === 'RANK' || name === 'GROUP_RANK' ? { name, valueFrom: rankFromIndex } : { name, value },
    ),
  ];
}

/** Requests equal limits, so a worker gets exactly what it asked for (Guaranteed when cpu and memory are set). */
function containerResources({ resources }: KubernetesExecutionSpec): V1ResourceRequirements {
  const amounts: Record<string, string> = {};
  if (resources.cpu !== undefined) {
    const millicores = Math.round(resources.cpu * 1000);
    amounts.cpu = millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
  }
  if (resources.memoryMiB !== undefined) amounts.memory = `${resources.memoryMiB}Mi`;
  if (resources.gpus) amounts[GPU_RESOURCE] = String(resources.gpus);
  return Object.keys(amounts).length ? { requests: amounts, limits: { ...amounts } } : {};
}

function withoutGpus({ requests = {}, limits = {} }: V1ResourceRequirements): V1ResourceRequirements {
  const drop = (amounts: Record<string, string>) =>
    Object.fromEntries(Object.entries(amounts).filter(([name]) => name !== GPU_RESOURCE));
  return { requests: drop(requests), limits: drop(limits) };
}

/**
 * The fetch step's shell script: makes the output directory, downloads and extracts the code
 * archive into /workspace and each input file to /data/<input>/<path>. Every URL and path is
 * single-quoted, so nothing in them is read by the shell.
 */
export function fetchScript(spec: KubernetesExecutionSpec): string {
  const lines = ['set -eu', `mkdir -p ${quote(OUTPUT_DIR)}`];
  if (spec.codeArchiveUrl) {
    const archive = '/tmp/aitip-code.tar.gz';
    lines.push(
      'echo "fetching the code archive"',
      `wget -q -O ${archive} ${quote(spec.codeArchiveUrl)}`,
      `tar -xzf ${archive} -C ${WORKSPACE_DIR}`,
      `rm -f ${archive}`,
    );
  }
  for (const input of spec.inputs) {
    const root = posix.join(DATA_DIR, input.name);
    const directories = new Set([root]);
    lines.push(`mkdir -p ${quote(root)}`);
    for (const file of input.files ?? []) {
      const target = posix.join(DATA_DIR, input.name, posix.normalize(file.path));
      const directory = posix.dirname(target);
      if (!directories.has(directory)) lines.push(`mkdir -p ${quote(directory)}`);
      directories.add(directory);
      lines.push(
        `echo ${quote(`fetching ${input.name}/${file.path}`)}`,
        `wget -q -O ${quote(target)} ${quote(file.url)}`,
      );
    }
  }
  return lines.join('\n');
}

function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
