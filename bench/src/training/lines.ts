import { quantileOfSorted } from '../harness/statistics.js';

/** What one path of the log benchmark delivered. */
export interface LogPathResult {
  lines: number;
  seconds: number;
  linesPerSecond: number;
  /** Print-to-receipt delay, milliseconds (null where nothing reads the lines live). */
  p50Ms: number | null;
  p99Ms: number | null;
}

/** Collects print-to-receipt delays of printer lines (`<seq> <ms> xxx…`) as they arrive. */
export class DelayRecorder {
  private readonly delays: Float64Array;
  received = 0;
  firstAt = 0;
  lastAt = 0;

  constructor(private readonly expected: number) {
    this.delays = new Float64Array(expected);
  }

  /** Records one received line's text; answers whether every expected line has arrived. */
  record(text: string, now = Date.now()): boolean {
    const space = text.indexOf(' ');
    const printed = Number(text.slice(space + 1, text.indexOf(' ', space + 1)));
    if (this.received === 0) this.firstAt = now;
    this.lastAt = now;
    if (this.received < this.expected) this.delays[this.received] = now - printed;
    this.received++;
    return this.received >= this.expected;
  }

  /** The path's figures, with `startedAt` (ms) as the moment the job was started. */
  result(startedAt: number): LogPathResult {
    const sorted = this.delays.slice(0, Math.min(this.received, this.expected)).sort();
    const seconds = (this.lastAt - startedAt) / 1000;
    return {
      lines: this.received,
      seconds,
      linesPerSecond: this.received / seconds,
      p50Ms: quantileOfSorted(sorted, 0.5),
      p99Ms: quantileOfSorted(sorted, 0.99),
    };
  }
}

/** Splits chunks of text into whole lines, keeping a partial last line for the next chunk. */
export class ChunkLines {
  private rest = '';

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop()!;
    return lines;
  }
}
