import { join } from 'node:path';
import { InputError } from '@aitip/kit';
import { createDockerExecutor } from '../executors/docker.js';
import type { Execution, ExecutionSpec, Executor, ExecutorBackend, StartOptions } from '../executors/executor.js';
import { createKubernetesExecutor } from '../executors/kubernetes.js';
import { CLUSTER_DNS_EGRESS, egressTo } from '../executors/kubernetes-manifests.js';
import { createLocalExecutor } from '../executors/local.js';
import type { TrainingSettings } from '../settings.js';
import { hyperparameterArgs, hyperparameterEnv, type JobSpec } from './job-spec.js';

/**
 * The executors a process offers, made on first use: a Docker client only when a job asks for Docker,
 * the cluster's API clients only when one asks for Kubernetes.
 */
export class Executors {
  private readonly made = new Map<string, Executor>();

  constructor(private readonly settings: TrainingSettings) {}

  /** The executor of `backend`; an InputError for one this platform cannot run. */
  get(backend: string): Executor {
    let executor = this.made.get(backend);
    if (executor) return executor;
    if (backend === 'local') executor = createLocalExecutor();
    else if (backend === 'docker') executor = createDockerExecutor();
    else if (backend === 'kubernetes') executor = new DeferredExecutor('kubernetes', () => this.kubernetes());
    else {
      throw new InputError(`unknown backend "${backend}"; use local, docker or kubernetes`, { field: 'backend' });
    }
    this.made.set(backend, executor);
    return executor;
  }

  /**
   * The kubernetes backend, on the cluster KUBECONFIG names (or the one the platform runs in). It is off
   * unless TRAINING_KUBERNETES switches it on, so that a kubeconfig that happens to be around (a
   * developer's) never sends jobs to a cluster.
   */
  private async kubernetes(): Promise<Executor> {
    const settings = this.settings;
    if (!settings.TRAINING_KUBERNETES) {
      throw new InputError(
        'backend kubernetes: no Kubernetes cluster is configured for this platform; use backend local or docker, ' +
          'or ask an administrator to set TRAINING_KUBERNETES=true and KUBECONFIG to the kubeconfig file of a cluster',
        { field: 'backend' },
      );
    }
    return createKubernetesExecutor({
      namespace: settings.TRAINING_KUBERNETES_NAMESPACE,
      // ~/.kube/config is not looked at: the cluster is named, or is the one the platform runs in
      environment: { KUBECONFIG: settings.KUBECONFIG, KUBERNETES_SERVICE_HOST: settings.KUBERNETES_SERVICE_HOST },
      initImage: settings.TRAINING_KUBERNETES_FETCH_IMAGE,
      gpuTypeLabel: settings.TRAINING_KUBERNETES_GPU_TYPE_LABEL,
      isolatedEgress: [CLUSTER_DNS_EGRESS, ...egressTo(settings.TRAINING_KUBERNETES_FETCH_EGRESS)],
      pollIntervalMs: settings.TRAINING_KUBERNETES_POLL_MILLISECONDS,
    });
  }
}

/**
 * An executor made by an async factory the first time it is used; its methods wait for it. A factory
 * that fails (a backend that is not configured) fails every call with its error.
 */
class DeferredExecutor implements Executor {
  private made: Promise<Executor> | null = null;

  constructor(
    readonly backend: ExecutorBackend,
    private readonly make: () => Promise<Executor>,
  ) {}

  async check(spec: ExecutionSpec): Promise<void> {
    return (await this.executor()).check(spec);
  }

  async start(spec: ExecutionSpec, options: StartOptions): Promise<Execution> {
    return (await this.executor()).start(spec, options);
  }

  async running(labels: Record<string, string>): Promise<Array<{ name: string; labels: Record<string, string> }>> {
    return (await this.executor()).running(labels);
  }

  async cleanup(name: string): Promise<void> {
    return (await this.executor()).cleanup(name);
  }

  private executor(): Promise<Executor> {
    return (this.made ??= this.make());
  }
}

/** Where one attempt works on the worker's machine. */
export interface AttemptDirs {
  /** The code directory (a private copy on the local backend), or null when the code is in the image. */
  codeDir: string | null;
  outputDir: string;
  scratchDir: string;
}

/**
 * Whether an attempt of `spec` gets a code directory on the worker: a copied `code.path`, or an
 * extracted archive (the kubernetes backend fetches the archive itself, in the pod).
 */
export const codeOnWorker = (spec: JobSpec) =>
  Boolean(spec.code?.path || (spec.code?.archiveId && spec.backend !== 'kubernetes'));

/** The attempt's directories under the worker's work root. */
export function attemptDirs(workRoot: string, jobId: string, attempt: number, hasCode: boolean): AttemptDirs {
  const scratchDir = join(workRoot, jobId, `attempt-${attempt}`);
  return { codeDir: hasCode ? join(scratchDir, 'code') : null, outputDir: join(scratchDir, 'output'), scratchDir };
}

/** The execution name of an attempt: unique, DNS-label safe. */
export const executionName = (jobId: string, attempt: number) =>
  `aitip-${jobId.replace(/-/g, '').slice(0, 12)}-${attempt}`;

/** Refuses what this version of the platform cannot run yet, with what to do instead. */
export function checkSupported(spec: JobSpec, settings: TrainingSettings): void {
  if (spec.code?.path && (spec.backend !== 'local' || !settings.TRAINING_LOCAL_CODE_PATHS)) {
    throw new InputError(
      spec.backend !== 'local'
        ? 'code.path names a directory on the worker machine, which only the local backend reads; put the code in the image'
        : 'code.path is refused: this platform does not let jobs name directories on the worker (set TRAINING_LOCAL_CODE_PATHS=true to allow it)',
      { field: 'code.path' },
    );
  }
}

/** The execution spec of attempt `attempt` of job `jobId`. */
export function executionSpecOf(
  orgId: string,
  jobId: string,
  attempt: number,
  spec: JobSpec,
  dirs: AttemptDirs,
  extraEnv: Record<string, string> = {},
): ExecutionSpec {
  return {
    name: executionName(jobId, attempt),
    labels: { 'aitip.dev/org': orgId, 'aitip.dev/job': jobId, 'aitip.dev/attempt': String(attempt) },
    ...(spec.image ? { image: spec.image } : {}),
    command: [...spec.command, ...spec.args, ...hyperparameterArgs(spec.hyperparameters)],
    env: {
      ...spec.env,
      ...hyperparameterEnv(spec.hyperparameters),
      ...extraEnv,
      AITIP_JOB_ID: jobId,
      AITIP_ATTEMPT: String(attempt),
    },
    workers: spec.workers,
    codeDir: dirs.codeDir,
    outputDir: dirs.outputDir,
    scratchDir: dirs.scratchDir,
    inputs: [],
    resources: spec.resources,
    network: spec.network,
    timeoutSeconds: spec.timeoutSeconds,
  };
}
