import { createInterface } from 'node:readline';
import { tailStream, type BlobStore, type Bus } from '@aitip/kit';
import { jobLogsStream } from '../storage-keys.js';
import type { AttemptRecord } from './training-job.record.js';

/** Where the lines the live stream no longer holds are: each attempt's archived log. */
export interface LogArchive {
  attempts(orgId: string, jobId: string): Promise<AttemptRecord[]>;
  blob: BlobStore;
}

/** Most lines one live-stream entry (and so one jobLogs event) carries. */
export const MAX_LINES_PER_ENTRY = 1000;

/** One logged line as a stream entry holds it: rank, stream, text, milliseconds since the epoch. */
export type LoggedLine = [number, 'stdout' | 'stderr', string, number];

/** One entry of a job's live log stream: consecutive lines of one attempt, numbered from `n`. */
export interface LogEntry {
  n: number;
  attempt: number;
  lines: LoggedLine[];
}

/** One line as an attempt log stores it: `<ISO time> [<rank>:<stream>] <text>`. */
export function archivedLine(line: { at: number; rank: number; stream: string; text: string }): string {
  return `${new Date(line.at).toISOString()} [${line.rank}:${line.stream}] ${line.text}\n`;
}

const ARCHIVED = /^(\S+) \[(\d+):(stdout|stderr)\] (.*)$/s;

/** The lines of an archived attempt log, numbered from `first`, in entries of up to MAX_LINES_PER_ENTRY. */
async function* archivedEntries(blob: BlobStore, record: AttemptRecord, first: number): AsyncGenerator<LogEntry> {
  const lines = createInterface({ input: await blob.get(record.logArchiveKey!), crlfDelay: Infinity });
  let entry: LogEntry = { n: first, attempt: record.attempt, lines: [] };
  try {
    for await (const line of lines) {
      const match = ARCHIVED.exec(line);
      if (!match) continue;
      entry.lines.push([Number(match[2]), match[3] as 'stdout' | 'stderr', match[4]!, Date.parse(match[1]!)]);
      if (entry.lines.length === MAX_LINES_PER_ENTRY) {
        yield entry;
        entry = { n: entry.n + entry.lines.length, attempt: record.attempt, lines: [] };
      }
    }
    if (entry.lines.length > 0) yield entry;
  } finally {
    lines.close();
  }
}

/** `entry` without its lines before line `from` (null when none is left). */
function startingAt(entry: LogEntry, from: number): LogEntry | null {
  const skip = Math.max(0, from - entry.n);
  if (skip >= entry.lines.length) return null;
  return skip === 0 ? entry : { n: entry.n + skip, attempt: entry.attempt, lines: entry.lines.slice(skip) };
}

/**
 * The job's log from line `fromLine`, in entries: what the live stream no longer holds (trimmed, or
 * removed after the job ended) from the attempts' archives, then the live stream, replayed and followed.
 */
export async function* jobLogEntries(
  bus: Bus,
  archive: LogArchive | undefined,
  orgId: string,
  jobId: string,
  fromLine: number,
): AsyncGenerator<{ id: string; entry: LogEntry }> {
  const stream = jobLogsStream(orgId, jobId);
  const [first] = await bus.read(stream, { count: 1 });
  const liveFrom = first ? (first.entry as unknown as LogEntry).n : Infinity;
  let next = fromLine;
  if (archive && fromLine < liveFrom) {
    let start = 0;
    for (const record of await archive.attempts(orgId, jobId)) {
      const end = start + record.logLines;
      if (record.logArchiveKey && end > next) {
        for await (const archived of archivedEntries(archive.blob, record, start)) {
          if (archived.n >= liveFrom) break;
          const before = { ...archived, lines: archived.lines.slice(0, Math.max(0, liveFrom - archived.n)) };
          const wanted = startingAt(before, next);
          if (wanted) {
            next = wanted.n + wanted.lines.length;
            yield { id: '0-0', entry: wanted };
          }
        }
      }
      start = end;
    }
  }
  const tail = tailStream(bus, stream);
  try {
    for await (const { id, entry } of tail) {
      const wanted = startingAt(entry as unknown as LogEntry, next);
      if (!wanted) continue;
      next = wanted.n + wanted.lines.length;
      yield { id, entry: wanted };
    }
  } finally {
    await tail.return?.();
  }
}
