import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';

/** A process the benchmark started; its stdout and stderr go to `logFile`. */
export interface BenchChild {
  name: string;
  process: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Opens an IPC channel (for children written in this package). */
  ipc?: boolean;
  cwd?: string;
}

/**
 * Every process a benchmark starts, so that all of them are stopped at the end, also when the
 * benchmark fails or is interrupted with Ctrl-C; then the run's work directory is removed.
 */
export class ChildProcesses {
  private readonly running = new Set<BenchChild>();
  private readonly killOnExit = () => {
    for (const child of this.running) child.process.kill('SIGKILL');
    rmSync(this.workDirectory, { recursive: true, force: true });
  };
  // a signal's default action ends node without 'exit' handlers, so stop the children first
  private readonly stopOnSignal = (signal: NodeJS.Signals) => {
    void this.stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };

  /** `workDirectory` holds the children's data and logs and is removed once they have stopped. */
  constructor(private readonly workDirectory: string) {
    process.on('exit', this.killOnExit);
    process.once('SIGINT', this.stopOnSignal);
    process.once('SIGTERM', this.stopOnSignal);
  }

  spawn(options: SpawnOptions): BenchChild {
    const log = openSync(options.logFile, 'a');
    const stdio = options.ipc ? (['ignore', log, log, 'ipc'] as const) : (['ignore', log, log] as const);
    const child = spawn(options.command, options.args, { env: options.env, cwd: options.cwd, stdio: [...stdio] });
    closeSync(log);
    if (child.pid === undefined) throw new Error(`Could not start ${options.name} (${options.command}).`);
    const exited = new Promise<number | string>((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    });
    const entry: BenchChild = { name: options.name, process: child, pid: child.pid, logFile: options.logFile, exited };
    this.running.add(entry);
    void exited.then(() => this.running.delete(entry));
    return entry;
  }

  /** Sends SIGINT and waits for the exit; SIGKILL after `graceMs`. Returns the exit code or signal. */
  async stop(child: BenchChild, graceMs = 10_000): Promise<number | string> {
    if (!this.running.has(child)) return child.exited;
    child.process.kill('SIGINT');
    const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
    try {
      return await child.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((child) => this.stop(child)));
    process.off('exit', this.killOnExit);
    process.off('SIGINT', this.stopOnSignal);
    process.off('SIGTERM', this.stopOnSignal);
    rmSync(this.workDirectory, { recursive: true, force: true });
  }
}

/** The last lines a child wrote, to explain why it failed. */
export function logTail(child: BenchChild, lines = 20): string {
  try {
    return readFileSync(child.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** Waits for the first IPC message of a child written in this package (`{ ready: ... }`). */
export function readyMessage<T>(child: BenchChild, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${child.name} was not ready after ${timeoutMs / 1000} s.\n${logTail(child)}`)),
      timeoutMs,
    );
    const onMessage = (message: unknown) => {
      cleanup();
      resolve(message as T);
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`${child.name} exited (${code ?? signal}) before it was ready.\n${logTail(child)}`));
    const fail = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.process.off('message', onMessage);
      child.process.off('exit', onExit);
    };
    child.process.on('message', onMessage);
    child.process.on('exit', onExit);
  });
}

/** Polls `probe` every `intervalMs` until it returns true, failing early if the child exits. */
export async function waitUntil(
  child: BenchChild,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let exited: number | string | undefined;
  void child.exited.then((code) => (exited = code));
  for (;;) {
    if (exited !== undefined)
      throw new Error(`${child.name} exited (${exited}) before it was ready.\n${logTail(child)}`);
    if (await probe().catch(() => false)) return;
    if (performance.now() > deadline)
      throw new Error(`${child.name} was not ready after ${timeoutMs / 1000} s.\n${logTail(child)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
