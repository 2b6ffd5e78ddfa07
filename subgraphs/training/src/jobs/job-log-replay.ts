import { createInterface } from 'node:readline';
import { tailStream, type BlobStore, type Bus, type StreamEntry } from '@aitip/kit';
import { jobLogsStream } from '../storage-keys.js';
import type { AttemptRecord } from './training-job.record.js';

/** Where the lines the live stream no longer holds are: each attempt's archived log. */
export interface LogArchive {
  attempts(orgId: string, jobId: string): Promise<AttemptRecord[]>;
  blob: BlobStore;
}

/** One line as an attempt log stores it: `<ISO time> [<rank>:<stream>] <text>`. */
export function archivedLine(line: { at: number; rank: number; stream: string; text: string }): string {
  return `${new Date(line.at).toISOString()} [${line.rank}:${line.stream}] ${line.text}\n`;
}

const ARCHIVED = /^(\S+) \[(\d+):(stdout|stderr)\] (.*)$/s;

/** The lines of an archived attempt log, numbered from `first`. */
async function* archivedEntries(blob: BlobStore, record: AttemptRecord, first: number): AsyncGenerator<StreamEntry> {
  const lines = createInterface({ input: await blob.get(record.logArchiveKey!), crlfDelay: Infinity });
  let n = first;
  try {
    for await (const line of lines) {
      const match = ARCHIVED.exec(line);
      if (!match) continue;
      const entry = {
        n: n++,
        attempt: record.attempt,
        rank: Number(match[2]),
        stream: match[3],
        text: match[4],
        at: Date.parse(match[1]!),
      };
      yield { id: '0-0', entry };
    }
  } finally {
    lines.close();
  }
}

/**
 * The job's log from line `fromLine`: what the live stream no longer holds (trimmed, or removed after the
 * job ended) from the attempts' archives, then the live stream, replayed and followed.
 */
export async function* jobLogLines(
  bus: Bus,
  archive: LogArchive | undefined,
  orgId: string,
  jobId: string,
  fromLine: number,
): AsyncGenerator<StreamEntry> {
  const stream = jobLogsStream(orgId, jobId);
  const [first] = await bus.read(stream, { count: 1 });
  const liveFrom = first ? Number(first.entry['n']) : Infinity;
  let next = fromLine;
  if (archive && fromLine < liveFrom) {
    let start = 0;
    for (const record of await archive.attempts(orgId, jobId)) {
      const end = start + record.logLines;
      if (record.logArchiveKey && end > next) {
        for await (const entry of archivedEntries(archive.blob, record, start)) {
          const n = Number(entry.entry['n']);
          if (n >= liveFrom) break;
          if (n >= next) {
            next = n + 1;
            yield entry;
          }
        }
      }
      start = end;
    }
  }
  const tail = tailStream(bus, stream);
  try {
    for await (const entry of tail) {
      if (Number(entry.entry['n']) >= next) yield entry;
    }
  } finally {
    await tail.return?.();
  }
}
