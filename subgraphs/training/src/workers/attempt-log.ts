import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import type { BlobStore, Bus, Logger } from '@aitip/kit';
import type { ExecutionLine } from '../executors/executor.js';
import { archivedLine } from '../jobs/job-log-replay.js';

/**
 * An attempt's log: every line gets the next number of the job's log and is appended, in order, to
 * the job's bounded live stream (jobLogs) and to a local file that is archived to blob storage when
 * the attempt ends.
 */
export class AttemptLog {
  private next: number;
  private pending: Promise<void> = Promise.resolve();
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
    this.file = createWriteStream(filePath);
  }

  /** Records a line; never throws (a failed append is logged, the line stays in the archive). */
  write(line: ExecutionLine): void {
    const n = this.next++;
    this.lines++;
    this.file.write(archivedLine(line));
    const entry = { n, attempt: this.attempt, rank: line.rank, stream: line.stream, text: line.text, at: line.at };
    this.pending = this.pending.then(() =>
      this.bus.append(this.stream, entry, { maxLen: this.maxLen }).then(
        () => undefined,
        (err: unknown) => this.log.warn({ err, stream: this.stream }, 'could not append a log line'),
      ),
    );
  }

  /** Waits for every append, closes the file and stores it under `key`. */
  async archive(blob: BlobStore, key: string): Promise<void> {
    await this.pending;
    this.file.end();
    await once(this.file, 'close');
    const { size } = await stat(this.filePath);
    await blob.put(key, createReadStream(this.filePath), { contentType: 'text/plain; charset=utf-8', size });
  }
}
