/**
 * The one interface every execution backend implements (local processes, Docker, Kubernetes).
 * A training attempt is one `ExecutionSpec` started once; the backend runs `workers` copies of the
 * command (ranks 0..N-1) with the rendezvous variables torchrun sets, streams every output line, and
 * reports one `ExecutionResult` when all workers have ended or the attempt was stopped.
 */

/** The backends a job may ask for. */
export type ExecutorBackend = 'local' | 'docker' | 'kubernetes';

/** A dataset version made available read-only to the job. */
export interface ExecutionInput {
  /** Directory name under the data root: `/data/<name>` in containers, `$AITIP_DATA_DIR/<name>` locally. */
  name: string;
  /** A host directory holding the files (local and Docker backends). */
  hostPath?: string;
  /** Files to fetch into `/data/<name>` before the command starts (Kubernetes: no shared disk). */
  files?: Array<{ path: string; url: string }>;
}

/** CPU, memory and GPU a job asks for (per worker). */
export interface ExecutionResources {
  /** CPU cores, fractions allowed (e.g. 0.5). */
  cpu?: number;
  /** Memory in MiB; a worker that exceeds it is killed and reported as OOMKilled. */
  memoryMiB?: number;
  /** GPUs per worker. */
  gpus?: number;
  /** GPU model wanted, e.g. `nvidia-a100` (a node selector on Kubernetes). */
  gpuType?: string;
  /** Most processes per worker (Docker and Kubernetes); default 1024. */
  pids?: number;
}

export interface ExecutionSpec {
  /** A name unique to this attempt, safe for DNS labels, e.g. `aitip-3f9c1a2b-1`. */
  name: string;
  /**
   * Labels put on every container or Kubernetes object (org, job, attempt); backends add
   * `aitip.dev/managed=true` and `aitip.dev/execution=<name>`, by which `running` and `cleanup` find them.
   */
  labels: Record<string, string>;
  /** Image to run (Docker, Kubernetes); ignored by the local backend. */
  image?: string;
  /** argv: command then its arguments. Not run through a shell. */
  command: string[];
  /** Environment for every worker; the backend adds the rendezvous variables and AITIP_* paths. */
  env: Record<string, string>;
  /** Number of workers (>= 1); 2+ is distributed training. */
  workers: number;
  /**
   * Host directory with the job's code (an extracted code archive), or null when the code is in the
   * image. The local backend runs the command with it as the working directory; containers see it
   * at `/workspace` (writable, like `/tmp`).
   */
  codeDir: string | null;
  /**
   * A presigned GET of the code archive (.tar.gz), extracted into /workspace by backends that share
   * no disk with the platform (Kubernetes).
   */
  codeArchiveUrl?: string;
  /**
   * Host directory the job writes its outputs to (`AITIP_OUTPUT_DIR`): `/workspace/output` in
   * containers. The caller uploads what it holds as run artifacts after the attempt. On Kubernetes
   * it is not collected: jobs there log artifacts through the MLflow API (which needs network on).
   */
  outputDir: string;
  /** Scratch host directory the backend may use for this attempt (working dirs, fetched files). */
  scratchDir: string;
  inputs: ExecutionInput[];
  resources: ExecutionResources;
  /** Containers get no network unless true (workers of one job always reach each other). */
  network: boolean;
  /** Wall-clock limit in seconds; null: none. On expiry the attempt is stopped and TIMED_OUT. */
  timeoutSeconds: number | null;
  /** Seconds between SIGTERM and SIGKILL on cancel and timeout (default 10). */
  graceSeconds?: number;
}

/** One line a worker printed, without its line ending. */
export interface ExecutionLine {
  /** Worker rank, 0..workers-1. */
  rank: number;
  /** Kubernetes merges a pod's stdout and stderr: there every line is `stdout`. */
  stream: 'stdout' | 'stderr';
  text: string;
  /** When it was read, milliseconds since the epoch. */
  at: number;
}

/**
 * How an attempt ended:
 * - `succeeded`: every worker exited 0;
 * - `failed`: a worker's command failed (non-zero exit, signal, or not found) — the user's code;
 * - `oom`: a worker was killed for exceeding its memory limit;
 * - `timed_out`, `cancelled`: stopped by the timeout or by `cancel()`;
 * - `infrastructure`: the backend failed (image missing, daemon or API error, pod evicted):
 *   worth a retry.
 */
export type ExecutionOutcome = 'succeeded' | 'failed' | 'oom' | 'timed_out' | 'cancelled' | 'infrastructure';

export interface WorkerResult {
  rank: number;
  exitCode: number | null;
  /** The signal that ended the process (local backend); containers report 128+n exit codes instead. */
  signal: string | null;
  oomKilled: boolean;
}

export interface ExecutionResult {
  outcome: ExecutionOutcome;
  /** A sentence for the user, e.g. "worker 1 exited with code 3" or the executor's own message. */
  message: string;
  /** What to do about it, when there is something, e.g. "raise resources.memoryMiB above 64". */
  hint?: string;
  workers: WorkerResult[];
}

/** A started attempt. */
export interface Execution {
  /** Resolves once, when every worker has ended (never rejects: failures are outcomes). */
  readonly done: Promise<ExecutionResult>;
  /** SIGTERM to every worker, SIGKILL after the grace period; `done` then resolves `cancelled`. */
  cancel(): Promise<void>;
}

/**
 * Flow control of a job's output: while the caller cannot keep up, the backend stops reading the
 * workers' output, so a job that prints faster than its log is stored blocks on its next write once
 * the pipe is full (as a program piped into a slow reader does) instead of piling lines up in memory.
 */
export interface OutputFlow {
  /** Whether the caller's buffer is full: stop reading output. */
  full(): boolean;
  /** Calls `resume` once, when the buffer has room again. */
  whenDrained(resume: () => void): void;
}

/** Stops reading `streams` while `flow` is full, resuming them when it drains. */
export function applyOutputFlow(flow: OutputFlow | undefined, streams: readonly NodeJS.ReadableStream[]): void {
  if (!flow?.full() || streams.some((s) => s.isPaused())) return;
  for (const s of streams) s.pause();
  flow.whenDrained(() => {
    for (const s of streams) s.resume();
  });
}

export interface StartOptions {
  /** Holds the output back while the caller cannot keep up (local and Docker backends). */
  flow?: OutputFlow;
  /** Called for every line of every worker, in order per worker and stream; it must not throw. */
  onLine(line: ExecutionLine): void;
}

export interface Executor {
  readonly backend: ExecutorBackend;
  /**
   * Checks a spec before anything runs and throws an `InputError` (or `QuotaExceededError`)
   * from kit's errors with a message that says what to do: unknown image, resources above what the
   * backend can give, no cluster configured.
   */
  check(spec: ExecutionSpec): Promise<void>;
  /**
   * Starts the attempt. Rejects only when nothing could be started (e.g. image missing, or leftovers
   * of an attempt with the same name: call `cleanup(name)` before a retry reuses a name).
   */
  start(spec: ExecutionSpec, options: StartOptions): Promise<Execution>;
  /**
   * Attempts this backend still runs that were started by an earlier process (after a restart),
   * by their labels; the caller reattaches or stops them.
   */
  running(labels: Record<string, string>): Promise<Array<{ name: string; labels: Record<string, string> }>>;
  /** Stops and removes what an attempt left behind (containers, networks, Kubernetes objects). */
  cleanup(name: string): Promise<void>;
}

/**
 * The rendezvous variables torchrun sets, for worker `rank` of `workers`. `sameHost`: every worker
 * runs on this one host (the local backend), so local ranks count across them; otherwise each worker
 * is alone on its node (a container or pod).
 */
export function rendezvousEnv(
  masterAddr: string,
  masterPort: number,
  rank: number,
  workers: number,
  sameHost: boolean,
): Record<string, string> {
  return {
    MASTER_ADDR: masterAddr,
    MASTER_PORT: String(masterPort),
    WORLD_SIZE: String(workers),
    RANK: String(rank),
    LOCAL_RANK: sameHost ? String(rank) : '0',
    LOCAL_WORLD_SIZE: sameHost ? String(workers) : '1',
    GROUP_RANK: sameHost ? '0' : String(rank),
  };
}
