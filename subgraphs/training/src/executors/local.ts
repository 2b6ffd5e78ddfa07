/**
 * The local backend: each worker is a child process in its own process group on this machine, so a
 * stop reaches everything the job started (shells, data loader processes, their children).
 *
 * Limits: CPU and memory are checked against the machine but not enforced (no cgroups are assumed);
 * GPUs are not offered; inputs are symlinks, not read-only mounts. It is the embedded default for a
 * single trusted user; untrusted code belongs on the Docker or Kubernetes backend.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, totalmem } from 'node:os';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@aitip/kit';
import {
  applyOutputFlow,
  type Execution,
  type ExecutionResult,
  type ExecutionSpec,
  type Executor,
  type StartOptions,
} from './executor.js';
import { AttemptTracker, longTimer, type FailureWording } from './local-attempt.js';
import { checkSpecShape } from './local-spec.js';
import {
  defaultJobPath,
  findExecutable,
  freeLoopbackPort,
  localWorkerEnv,
  prepareLocalWorkspace,
  type LocalBaseEnv,
  type LocalWorkspace,
} from './local-workspace.js';
import { LineSplitter } from './lines.js';

export interface LocalExecutorOptions {
  /** PATH of every job (a job's own `env.PATH` wins); default: this Node's directory, then the system's. */
  path?: string;
  /** LANG of every job; default `C.UTF-8`. */
  lang?: string;
  /** What `check()` compares resources with; default: this machine's CPUs and memory. */
  machine?: { cpus: number; memoryMiB: number };
  /**
   * Where each running attempt's process groups and labels are recorded (`<name>.json`), so that
   * after a crash `running()` finds them and `cleanup()` kills them: worker groups are detached and
   * outlive the process that started them. Default: `aitip-local-attempts` under the OS temp dir.
   */
  stateDir?: string;
}

/** What the state file of a running attempt holds. */
interface AttemptRecord {
  labels: Record<string, string>;
  /** Process group ids (each worker's pid). */
  groups: number[];
}

const DEFAULT_GRACE_SECONDS = 10;
/**
 * After a worker's process exits its group is killed, which closes its output pipes; a process that
 * left the group (setsid) may still hold them, so they are closed by force after this long.
 */
const PIPE_DRAIN_MS = 5000;

/** The local-process backend. */
export function createLocalExecutor(options: LocalExecutorOptions = {}): Executor {
  const base: LocalBaseEnv = { PATH: options.path ?? defaultJobPath(), LANG: options.lang ?? 'C.UTF-8' };
  const machine = options.machine ?? {
    cpus: availableParallelism(),
    memoryMiB: Math.floor(totalmem() / 2 ** 20),
  };
  const stateDir = options.stateDir ?? join(tmpdir(), 'aitip-local-attempts');
  const recordFile = (name: string) => join(stateDir, `${name}.json`);

  return {
    backend: 'local',

    async check(spec) {
      checkSpecShape(spec);
      checkMachineFits(spec, machine);
      const command = spec.command[0];
      const pathEnv = spec.env.PATH ?? base.PATH;
      if ((await findExecutable(command, pathEnv, spec.codeDir)) === null) {
        throw new InputError(
          command.includes('/')
            ? `command ${command} is not an executable file in the code directory; check the path, make it executable (chmod +x), or run it through its interpreter, e.g. [python3, ${command}]`
            : `command not found: ${command} is not on the job's PATH (${pathEnv}); install it on this machine, set env.PATH, or give a path relative to the code directory`,
          { command },
        );
      }
      for (const input of spec.inputs) {
        const isDirectory = await stat(input.hostPath!).then(
          (s) => s.isDirectory(),
          () => false,
        );
        if (!isDirectory) {
          throw new InputError(
            `input "${input.name}": ${input.hostPath} is not a directory on this machine; materialize the dataset version again`,
          );
        }
      }
    },

    async start(spec, startOptions) {
      checkSpecShape(spec);
      const workspace = await prepareLocalWorkspace(spec);
      const masterPort = await freeLoopbackPort();
      await mkdir(stateDir, { recursive: true });
      const execution = runLocalAttempt(spec, base, workspace, masterPort, startOptions);
      const record: AttemptRecord = { labels: spec.labels, groups: execution.groups };
      await writeFile(recordFile(spec.name), JSON.stringify(record));
      void execution.done.then(() => rm(recordFile(spec.name), { force: true }));
      return execution;
    },

    async running(labels) {
      const names = await readdir(stateDir).catch(() => [] as string[]);
      const found: Array<{ name: string; labels: Record<string, string> }> = [];
      for (const file of names.filter((n) => n.endsWith('.json'))) {
        const record = await readRecord(join(stateDir, file));
        if (!record || !record.groups.some(groupAlive)) continue;
        if (Object.entries(labels).every(([k, v]) => record.labels[k] === v)) {
          found.push({ name: file.slice(0, -'.json'.length), labels: record.labels });
        }
      }
      return found;
    },

    async cleanup(name) {
      const record = await readRecord(recordFile(name));
      for (const group of record?.groups ?? []) signalGroup(group, 'SIGKILL');
      await rm(recordFile(name), { force: true });
    },
  };
}

function checkMachineFits(spec: ExecutionSpec, machine: { cpus: number; memoryMiB: number }): void {
  const { cpu, memoryMiB, gpus } = spec.resources;
  if (gpus) {
    throw new InputError(
      `the local backend has no GPUs (resources.gpus is ${gpus}); set resources.gpus to 0 or use the docker or kubernetes backend`,
    );
  }
  // Every worker runs on this machine, so what they ask for adds up.
  const workers = spec.workers === 1 ? '' : ` × ${spec.workers} workers`;
  if (cpu !== undefined && cpu * spec.workers > machine.cpus) {
    throw new InputError(
      `resources.cpu ${cpu}${workers} is more than this machine has (${machine.cpus} CPUs); ask for at most ${perWorker(machine.cpus, spec.workers)} per worker`,
    );
  }
  if (memoryMiB !== undefined && memoryMiB * spec.workers > machine.memoryMiB) {
    throw new InputError(
      `resources.memoryMiB ${memoryMiB}${workers} is more than this machine has (${machine.memoryMiB} MiB); ask for at most ${Math.floor(machine.memoryMiB / spec.workers)} per worker`,
    );
  }
}

/** An equal share of `total` per worker, rounded down to hundredths. */
function perWorker(total: number, workers: number): number {
  return Math.floor((total / workers) * 100) / 100;
}

interface LocalWorker {
  rank: number;
  child: ChildProcess;
  /** The process itself has exited (its group may still be being killed). */
  exited: boolean;
}

async function readRecord(file: string): Promise<AttemptRecord | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as AttemptRecord;
  } catch {
    return null;
  }
}

/** Whether any process of group `group` is alive (signal 0 checks without sending). */
function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // The group is already gone (ESRCH): nothing is left to stop.
  }
}

function runLocalAttempt(
  spec: ExecutionSpec,
  base: LocalBaseEnv,
  workspace: LocalWorkspace,
  masterPort: number,
  { onLine, flow }: StartOptions,
): Execution & { groups: number[] } {
  const tracker = new AttemptTracker(spec);
  const graceMs = (spec.graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
  let resolveDone!: (result: ExecutionResult) => void;
  const done = new Promise<ExecutionResult>((resolve) => (resolveDone = resolve));
  let allEnded!: () => void;
  const ended = new Promise<void>((resolve) => (allEnded = resolve));
  let stopping: Promise<void> | null = null;

  const signalAll = (signal: NodeJS.Signals) => {
    for (const worker of workers) if (!worker.exited) killGroup(worker.child, signal);
  };
  // SIGTERM to every group, SIGKILL to what is left after the grace period.
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      signalAll('SIGTERM');
      let graceTimer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, graceMs)));
      await Promise.race([ended, graceOver]);
      clearTimeout(graceTimer);
      signalAll('SIGKILL');
      await ended;
    })());

  const stopTimer =
    spec.timeoutSeconds === null
      ? null
      : longTimer(spec.timeoutSeconds * 1000, () => {
          if (tracker.stopRequested('timed_out')) void stopAll();
        });

  const workerEnded = (worker: LocalWorker, code: number | null, signal: string | null, wording?: FailureWording) => {
    if (tracker.workerEnded({ rank: worker.rank, exitCode: code, signal, oomKilled: false }, wording)) void stopAll();
    if (!tracker.allEnded) return;
    stopTimer?.cancel();
    allEnded();
    resolveDone(tracker.result());
  };

  const workers: LocalWorker[] = [];
  try {
    for (let rank = 0; rank < spec.workers; rank++) {
      const [command, ...args] = spec.command;
      // Not through a shell: argv reaches the program as given. A command that cannot be started
      // is not a rejection of start() but a `failed` outcome carrying the OS message (spawn reports
      // it as an event), so it is reported like any failure of the user's code, from the first attempt.
      const child = spawn(command, args, {
        cwd: workspace.workDir,
        env: localWorkerEnv(base, spec, workspace, masterPort, rank),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const worker: LocalWorker = { rank, child, exited: false };
      workers.push(worker);
      watchWorker(worker, onLine, flow, workerEnded);
    }
  } catch (error) {
    // spawn throws only for arguments it refuses outright; leave nothing running behind the rejection.
    stopTimer?.cancel();
    for (const worker of workers) killGroup(worker.child, 'SIGKILL');
    throw error;
  }

  return {
    done,
    groups: workers.flatMap((w) => (w.child.pid === undefined ? [] : [w.child.pid])),
    async cancel() {
      if (tracker.stopRequested('cancelled')) void stopAll();
      await done;
    },
  };
}

function watchWorker(
  worker: LocalWorker,
  onLine: StartOptions['onLine'],
  flow: StartOptions['flow'],
  workerEnded: (worker: LocalWorker, code: number | null, signal: string | null, wording?: FailureWording) => void,
): void {
  const { child, rank } = worker;
  const command = child.spawnfile;
  const stdout = new LineSplitter((text) => onLine({ rank, stream: 'stdout', text, at: Date.now() }));
  const stderr = new LineSplitter((text) => onLine({ rank, stream: 'stderr', text, at: Date.now() }));
  const pipes = [child.stdout!, child.stderr!];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    applyOutputFlow(flow, pipes);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    applyOutputFlow(flow, pipes);
  });
  let finished = false;

  child.on('error', (error: NodeJS.ErrnoException) => {
    // Errors of a started process (a failed kill) change nothing; a failed start ends the worker.
    if (child.pid !== undefined || finished) return;
    finished = true;
    worker.exited = true;
    workerEnded(worker, null, null, startFailure(command, error));
  });
  child.on('exit', () => {
    worker.exited = true;
    // Like a container whose main process ended: whatever it left running in its group goes too.
    killGroup(child, 'SIGKILL');
    // pipes held back by the output flow are still being read: the clock runs only while they flow
    const drainLater = (): NodeJS.Timeout =>
      setTimeout(() => {
        if (pipes.some((pipe) => pipe.isPaused())) {
          drain = drainLater();
          return;
        }
        child.stdout!.destroy();
        child.stderr!.destroy();
      }, PIPE_DRAIN_MS);
    let drain = drainLater();
    child.once('close', () => clearTimeout(drain));
  });
  // 'close' comes after both pipes have ended, so every line has been read by then.
  child.on('close', (code, signal) => {
    if (finished) return;
    finished = true;
    stdout.end();
    stderr.end();
    workerEnded(worker, code, signal);
  });
}

function startFailure(command: string, error: NodeJS.ErrnoException): FailureWording {
  if (error.code === 'ENOENT') {
    return {
      message: `command not found: ${command} (${error.message})`,
      hint: 'check the name, install it on this machine, or give a path relative to the code directory',
    };
  }
  if (error.code === 'EACCES') {
    return {
      message: `command is not executable: ${command} (${error.message})`,
      hint: `make it executable (chmod +x) or run it through its interpreter, e.g. [python3, ${command}]`,
    };
  }
  return { message: `could not start ${command}: ${error.message}` };
}

/** Signals the worker's whole process group. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined) signalGroup(child.pid, signal);
}
