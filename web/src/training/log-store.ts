import type { LogLine } from './operations';

// A line's attempt, rank and stream packed into one small integer, so 100k+ lines cost two
// arrays of primitives rather than an object each: attempt * 2^17 + rank * 2 + (stderr ? 1 : 0).
const RANK_SHIFT = 2;
const ATTEMPT_SHIFT = 2 ** 17;

/** What the viewer draws of one line. */
export interface StoredLine {
  text: string;
  attempt: number;
  rank: number;
  stderr: boolean;
}

/** A job log as two compact arrays that only grow; index i is line number i. */
export class LogStore {
  private readonly texts: string[] = [];
  private readonly packed: number[] = [];

  /** Lines held. */
  get length(): number {
    return this.texts.length;
  }

  /** Appends the lines of a batch not held yet (a resumed subscription may repeat some); answers how many were new. */
  append(lines: readonly LogLine[]): number {
    let added = 0;
    for (const line of lines) {
      if (line.number < this.texts.length) continue;
      this.texts.push(line.text);
      this.packed.push(
        line.attempt * ATTEMPT_SHIFT +
          Math.min(line.rank, ATTEMPT_SHIFT / RANK_SHIFT - 1) * RANK_SHIFT +
          (line.stream === 'stderr' ? 1 : 0),
      );
      added += 1;
    }
    return added;
  }

  /** The line at an index. */
  line(index: number): StoredLine {
    const packed = this.packed[index] ?? 0;
    return {
      text: this.texts[index] ?? '',
      attempt: Math.floor(packed / ATTEMPT_SHIFT),
      rank: Math.floor((packed % ATTEMPT_SHIFT) / RANK_SHIFT),
      stderr: packed % 2 === 1,
    };
  }

  // The last search, kept so that a growing log is only scanned from where it ended.
  private searched = { query: '', scanned: 0, found: [] as number[] };

  /**
   * The indexes of the first `upTo` lines that contain `query` (case-insensitive). Asked again
   * with the same query as the log grows, it scans only the new lines.
   */
  search(query: string, upTo: number = this.texts.length): readonly number[] {
    if (this.searched.query !== query || this.searched.scanned > upTo) {
      this.searched = { query, scanned: 0, found: [] };
    }
    const { scanned } = this.searched;
    if (!query || scanned >= upTo) return this.searched.found;
    const needle = query.toLowerCase();
    const found = [...this.searched.found];
    for (let index = scanned; index < upTo; index += 1) {
      if (this.texts[index]!.toLowerCase().includes(needle)) found.push(index);
    }
    this.searched = { query, scanned: upTo, found };
    return found;
  }

  /** The whole log as text, one line each, prefixed with the rank when the job had several workers. */
  toText(): string {
    const ranked = this.packed.some((packed) => Math.floor((packed % ATTEMPT_SHIFT) / RANK_SHIFT) > 0);
    if (!ranked) return this.texts.join('\n') + (this.texts.length > 0 ? '\n' : '');
    return this.texts.map((text, index) => `[rank ${this.line(index).rank}] ${text}\n`).join('');
  }
}
