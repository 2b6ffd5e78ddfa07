import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import type { BlobStore, Bus, Logger } from '@aitip/kit';
import type { ExecutionLine, OutputFlow } from '../executors/executor.js';

/**
 * Lines an attempt log holds for the stream before the job's output is held back: about 1 MB, a
 * fraction of a second of a job printing as fast as it can.
 */
const HIGH_WATER_LINES = 10_000;
import { archivedLine, MAX_LINES_PER_ENTRY, type LogEntry, type LoggedLine } from '../jobs/job-log-replay.js';

/**
 * An attempt's log: every line gets the next number of the job's log and is appended, in order, to
 * the job's bounded live stream (jobLogs) and to a local file that is archived to blob storage when
 * the attempt ends.
 *
 * Lines go to the stream in batches, group-commit style: while one append is in flight the lines
 * that arrive wait, and the next append takes them all (up to MAX_LINES_PER_ENTRY per entry). A
 * quiet job's line goes out at once, alone; a job printing as fast as it can fills each entry, so
 * the stream (and every subscriber behind it) handles entries, not lines.
 */
export class AttemptLog implements OutputFlow {
  private next: number;
  private buffered: LoggedLine[] = [];
  private bufferedFrom: number;
  private flushing: Promise<void> | null = null;
  private drained: Array<() => void> = [];
  private readonly file: WriteStream;
  /** Lines written by this attempt. */
  lines = 0;

  constructor(
    private readonly bus: Bus,
    private readonly stream: string,
    private readonly attempt: number,
    firstLine: number,
    private readonly maxLen: number,
    private readonly filePath: string,
    private readonly log: Logger,
  ) {
    this.next = firstLine;
    this.bufferedFrom = firstLine;
    this.file = createWriteStream(filePath);
  }

  /** Records a line; never throws (a failed append is logged, the line stays in the archive). */
  write(line: ExecutionLine): void {
    this.next++;
    this.lines++;
    this.file.write(archivedLine(line));
    this.buffered.push([line.rank, line.stream, line.text, line.at]);
    this.flushing ??= this.flush();
  }

  /** Appends what is buffered, entry after entry, until nothing is left. */
  private async flush(): Promise<void> {
    while (this.buffered.length > 0) {
      const lines = this.buffered.splice(0, MAX_LINES_PER_ENTRY);
      if (this.buffered.length <= HIGH_WATER_LINES / 2) this.resumeOutput();
      const entry: LogEntry = { n: this.bufferedFrom, attempt: this.attempt, lines };
      this.bufferedFrom += lines.length;
      try {
        await this.bus.append(this.stream, entry as unknown as Record<string, unknown>, { maxLen: this.maxLen });
      } catch (err) {
        this.log.warn({ err, stream: this.stream }, 'could not append log lines to the live stream');
      }
    }
    this.flushing = null;
    this.resumeOutput();
  }

  /** The job's output waits while this many lines wait for the stream (see OutputFlow). */
  full(): boolean {
    return this.buffered.length >= HIGH_WATER_LINES;
  }

  whenDrained(resume: () => void): void {
    this.drained.push(resume);
  }

  private resumeOutput(): void {
    const waiting = this.drained;
    this.drained = [];
    for (const resume of waiting) resume();
  }

  /** Waits for every append, closes the file and stores it under `key`. */
  async archive(blob: BlobStore, key: string): Promise<void> {
    while (this.flushing) await this.flushing;
    this.file.end();
    await once(this.file, 'close');
    const { size } = await stat(this.filePath);
    await blob.put(key, createReadStream(this.filePath), { contentType: 'text/plain; charset=utf-8', size });
  }
}
