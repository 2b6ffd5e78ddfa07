/**
 * What the Docker backend asks the daemon for: one locked-down container per worker (non-root,
 * read-only root, no capabilities, limits, no network unless asked) and, for several workers, a
 * network of their own on which rank 0 is reachable by its container name.
 */
import { chmod, lchown, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { rendezvousEnv, type ExecutionSpec } from './executor.js';

/** The user every job runs as: `aitip` (1000:1000) in the platform's images. */
export const JOB_UID = 1000;
export const JOB_GID = 1000;
/** The port rank 0 listens on for the rendezvous: every worker has its own address, so it is fixed. */
export const MASTER_PORT = 29500;
export const DEFAULT_PIDS_LIMIT = 1024;

/** Label naming the attempt (the spec's name) on every container and network it has. */
export const EXECUTION_LABEL = 'aitip.dev/execution';
export const MANAGED_LABEL = 'aitip.dev/managed';
const RANK_LABEL = 'aitip.dev/rank';

const WORKSPACE = '/workspace';
const OUTPUT = '/workspace/output';
const DATA = '/data';

/** The name of worker `rank`'s container, which is also its host name on the job's network. */
export function containerName(spec: ExecutionSpec, rank: number): string {
  return `${spec.name}-${rank}`;
}

/** The per-job network of a multi-worker attempt; null when one worker runs alone. */
export function networkName(spec: ExecutionSpec): string | null {
  return spec.workers > 1 ? spec.name : null;
}

/** Labels on everything the attempt creates. */
export function attemptLabels(spec: ExecutionSpec): Record<string, string> {
  return { ...spec.labels, [MANAGED_LABEL]: 'true', [EXECUTION_LABEL]: spec.name };
}

/** The options for the per-job network: internal (no way out) unless the job asked for network. */
export function networkOptions(spec: ExecutionSpec): Dockerode.NetworkCreateOptions {
  return {
    Name: networkName(spec)!,
    Driver: 'bridge',
    Internal: !spec.network,
    CheckDuplicate: true,
    Labels: attemptLabels(spec),
  };
}

/** The create options of worker `rank`'s container. */
export function containerOptions(spec: ExecutionSpec, rank: number): Dockerode.ContainerCreateOptions {
  const name = containerName(spec, rank);
  const network = networkName(spec);
  // One worker alone talks only to itself; several find rank 0 by its name through Docker's DNS.
  const masterAddr = network ? containerName(spec, 0) : '127.0.0.1';
  const env: Record<string, string> = {
    LANG: 'C.UTF-8',
    // With the code in the image /workspace is part of the read-only root, so HOME must be /tmp.
    HOME: spec.codeDir ? WORKSPACE : '/tmp',
    ...spec.env,
    ...rendezvousEnv(masterAddr, MASTER_PORT, rank, spec.workers, false),
    AITIP_DATA_DIR: DATA,
    AITIP_OUTPUT_DIR: OUTPUT,
  };
  const binds = [
    ...(spec.codeDir ? [`${spec.codeDir}:${WORKSPACE}:rw`] : []),
    `${spec.outputDir}:${OUTPUT}:rw`,
    ...spec.inputs.map((input) => `${input.hostPath}:${DATA}/${input.name}:ro`),
  ];
  const { cpu, memoryMiB, gpus, pids } = spec.resources;
  return {
    name,
    Hostname: name,
    Image: spec.image,
    Cmd: spec.command,
    // The image's entrypoint would change what runs; the spec's command is the whole argv.
    Entrypoint: [],
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    WorkingDir: WORKSPACE,
    User: `${JOB_UID}:${JOB_GID}`,
    Labels: { ...attemptLabels(spec), [RANK_LABEL]: String(rank) },
    Tty: false,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: {
      Binds: binds,
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw,exec,nosuid,nodev,mode=1777' },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      // An init as PID 1 passes the stop signal on (a program as PID 1 ignores SIGTERM unless it
      // handles it) and reaps the job's orphans.
      Init: true,
      PidsLimit: pids ?? DEFAULT_PIDS_LIMIT,
      ...(cpu !== undefined ? { NanoCpus: Math.round(cpu * 1e9) } : {}),
      // Swap equal to memory: no swap, so the limit is the limit and exceeding it is an OOM kill.
      ...(memoryMiB !== undefined ? { Memory: memoryMiB * 2 ** 20, MemorySwap: memoryMiB * 2 ** 20 } : {}),
      ...(gpus ? { DeviceRequests: [{ Driver: 'nvidia', Count: gpus, Capabilities: [['gpu']] }] } : {}),
      NetworkMode: network ?? (spec.network ? 'bridge' : 'none'),
    },
  };
}

/**
 * Makes the host directories the job writes to (code and output) writable by the job's user. We
 * run as root and chown them; a platform that is not root makes them writable by everyone instead.
 */
export async function prepareWritableDirs(spec: ExecutionSpec): Promise<void> {
  await mkdir(spec.outputDir, { recursive: true });
  for (const dir of [spec.codeDir, spec.outputDir]) if (dir) await handOver(dir);
}

async function handOver(dir: string): Promise<void> {
  const paths = [dir, ...(await readdir(dir, { recursive: true })).map((entry) => join(dir, entry))];
  for (const path of paths) {
    try {
      await lchown(path, JOB_UID, JOB_GID);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
      const stats = await lstat(path);
      if (stats.isDirectory()) await chmod(path, 0o777);
      else if (stats.isFile()) await chmod(path, stats.mode | 0o666);
    }
  }
}
