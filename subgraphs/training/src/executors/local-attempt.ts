/**
 * How an attempt's workers add up to one outcome, for the backends that watch each worker
 * themselves (local processes and Docker containers): the first worker to fail decides the outcome
 * and the rest are stopped, as torchrun does; a stop asked for by the timeout or `cancel()` wins over
 * what the workers do while they are being stopped.
 */
import type { ExecutionOutcome, ExecutionResult, ExecutionSpec, WorkerResult } from './executor.js';

/** Why an attempt is being stopped from outside. */
export type StopReason = 'timed_out' | 'cancelled';

/** Overrides of the wording of a worker's failure (e.g. the OS message of a failed start). */
export interface FailureWording {
  message: string;
  hint?: string;
  /** `infrastructure` when the backend lost the worker rather than the worker failing; default `failed`. */
  outcome?: 'failed' | 'infrastructure';
}

interface Failure {
  outcome: Extract<ExecutionOutcome, 'failed' | 'oom' | 'infrastructure'>;
  message: string;
  hint?: string;
}

/** Collects worker results and turns them into the attempt's `ExecutionResult`. */
export class AttemptTracker {
  private readonly results = new Map<number, WorkerResult>();
  private failure: Failure | null = null;
  private stopReason: StopReason | null = null;

  constructor(private readonly spec: ExecutionSpec) {}

  /** True when every worker has ended. */
  get allEnded(): boolean {
    return this.results.size === this.spec.workers;
  }

  /** True once a stop was asked for or a worker failed: the remaining workers are being stopped. */
  get stopping(): boolean {
    return this.stopReason !== null || this.failure !== null;
  }

  /**
   * Records that a worker ended. Returns true when this is the attempt's first failure, so the
   * caller stops the other workers.
   */
  workerEnded(result: WorkerResult, wording?: FailureWording): boolean {
    this.results.set(result.rank, result);
    const succeeded = result.exitCode === 0 && !result.oomKilled;
    if (succeeded || this.stopping) return false;
    this.failure = wording
      ? { outcome: wording.outcome ?? 'failed', message: wording.message, hint: wording.hint }
      : result.oomKilled
        ? { outcome: 'oom', ...this.oomWording(result.rank) }
        : { outcome: 'failed', message: describeExit(result) };
    return true;
  }

  /** Records a stop asked for from outside; returns true when the caller should now stop the workers. */
  stopRequested(reason: StopReason): boolean {
    if (this.stopping || this.allEnded) return false;
    this.stopReason = reason;
    return true;
  }

  /** The attempt's result, once every worker has ended. */
  result(): ExecutionResult {
    const workers = [...this.results.values()].sort((a, b) => a.rank - b.rank);
    if (this.failure) {
      const others = this.spec.workers > 1 ? '; the other workers were stopped' : '';
      const { outcome, message, hint } = this.failure;
      return { outcome, message: message + others, ...(hint ? { hint } : {}), workers };
    }
    if (this.stopReason === 'timed_out') {
      const limit = this.spec.timeoutSeconds;
      return {
        outcome: 'timed_out',
        message: `stopped after the time limit of ${limit} seconds`,
        hint: `raise timeoutSeconds (now ${limit}) if the job needs longer`,
        workers,
      };
    }
    if (this.stopReason === 'cancelled') return { outcome: 'cancelled', message: 'cancelled', workers };
    const message =
      this.spec.workers === 1
        ? 'the command exited with code 0'
        : `all ${this.spec.workers} workers exited with code 0`;
    return { outcome: 'succeeded', message, workers };
  }

  private oomWording(rank: number): FailureWording {
    const limit = this.spec.resources.memoryMiB;
    if (limit === undefined) {
      return {
        message: `worker ${rank} was killed for running out of memory`,
        hint: 'the host ran out of memory; set resources.memoryMiB to what the job needs so it is placed where that fits',
      };
    }
    return {
      message: `worker ${rank} was killed for using more than its memory limit of ${limit} MiB`,
      hint: `raise resources.memoryMiB above ${limit}, or make the job use less memory (smaller batches)`,
    };
  }
}

/** "worker 1 exited with code 3", "worker 0 was killed by SIGKILL". */
export function describeExit(result: WorkerResult): string {
  if (result.signal) return `worker ${result.rank} was killed by ${result.signal}`;
  return `worker ${result.rank} exited with code ${result.exitCode}`;
}

/** The longest delay setTimeout takes; longer time limits are waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** setTimeout for any delay (Node's overflows past ~24.8 days and fires at once). */
export function longTimer(ms: number, fire: () => void): { cancel(): void } {
  let timer: NodeJS.Timeout;
  const arm = (left: number) => {
    timer = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : fire()), Math.min(left, MAX_TIMER_MS));
  };
  arm(ms);
  return { cancel: () => clearTimeout(timer) };
}
