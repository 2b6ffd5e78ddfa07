import type { ExecutionResult } from 'graphql';

/**
 * The events of one client subscription waiting to be sent, bounded: `reserve` refuses (and the
 * caller drops the client) once `max` events are waiting, instead of letting memory grow.
 */
export class EventStream implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: ExecutionResult[] = [];
  private waiting: ((result: IteratorResult<ExecutionResult>) => void) | undefined;
  /** Events announced (being completed) or queued, not yet taken by the sender. */
  private pending = 0;
  private ended = false;

  constructor(
    private readonly max: number,
    private readonly onReturn: () => void,
  ) {}

  /** Announces an event on its way; false when the client already has `max` events waiting. */
  reserve(): boolean {
    if (this.pending >= this.max) return false;
    this.pending++;
    return true;
  }

  /** Queues a reserved event (or delivers it to a waiting sender). */
  push(result: ExecutionResult): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      this.pending--;
      resolve({ value: result, done: false });
    } else {
      this.queue.push(result);
    }
  }

  /** Ends the stream after the queued events. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.waiting && this.queue.length === 0) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
    this.onReturn();
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    const value = this.queue.shift();
    if (value !== undefined) {
      this.pending--;
      return { value, done: false };
    }
    if (this.ended) return { value: undefined, done: true };
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.queue.length = 0;
    this.end();
    return { value: undefined, done: true };
  }

  /** Ends the stream; with `throw`, graphql-sse treats it as a generator it may cancel. */
  async throw(): Promise<IteratorResult<ExecutionResult>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
