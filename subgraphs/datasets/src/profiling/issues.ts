import type { IssueCode, ValidationIssue } from './types.js';

/** Collects the issues of one file, keeping at most `max`. */
export class IssueList {
  readonly items: ValidationIssue[] = [];
  /** Issues found, including those dropped past the cap. */
  found = 0;

  constructor(
    readonly file: string,
    private readonly max: number,
  ) {}

  add(code: IssueCode, message: string, where: { line?: number; entry?: string } = {}): void {
    this.found += 1;
    if (this.items.length >= Math.max(1, this.max)) return;
    const issue: ValidationIssue = { code, message, file: this.file };
    if (where.line !== undefined) issue.line = where.line;
    if (where.entry !== undefined) issue.entry = where.entry;
    this.items.push(issue);
  }

  get any(): boolean {
    return this.found > 0;
  }

  /** True once no further issue would be kept: callers may stop looking. */
  get full(): boolean {
    return this.items.length >= Math.max(1, this.max);
  }
}

/** Maps a stage's own 0…1 progress into a slice of the whole call's progress, never going back. */
export class Progress {
  private last = -1;

  constructor(private readonly report?: (fraction: number) => void) {}

  set(fraction: number): void {
    if (!this.report) return;
    const f = Math.min(1, Math.max(0, fraction));
    if (f <= this.last && f !== 0) return;
    if (f === this.last) return;
    this.last = f;
    this.report(f);
  }

  /** A reporter for a stage that covers [from, to] of the whole. */
  slice(from: number, to: number): (fraction: number) => void {
    return (fraction) => this.set(from + (to - from) * Math.min(1, Math.max(0, fraction)));
  }
}

/** Throws the signal's reason when it has been aborted. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('profiling was aborted');
}
