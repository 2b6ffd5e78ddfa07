import { stat } from 'node:fs/promises';
import { forEachChunk } from './file-read.js';
import type { IssueList } from './issues.js';
import { describeJsonValue, jsonLineKind } from './sniff.js';
import { Utf8Checker } from './utf8.js';

/** Longest line a JSON Lines record may take (DuckDB's default maximum_object_size). */
export const MAX_JSON_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Reads a JSON Lines file once, checking that it is UTF-8 and that every non-blank line is one
 * JSON object; problems are added to `issues` with their line numbers. Returns the records seen.
 */
export async function checkJsonLines(
  localPath: string,
  issues: IssueList,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  const size = (await stat(localPath)).size;
  const utf8 = new Utf8Checker((line) =>
    issues.add(
      'INVALID_UTF8',
      `line ${line} is not valid UTF-8; save the file as UTF-8 (it looks like another encoding, such as Latin-1 or Windows-1252)`,
      { line },
    ),
  );
  let line = 1;
  let records = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;

  const finishLine = (tail: Buffer) => {
    if (tooLong) {
      issues.add(
        'INVALID_JSON',
        `line ${line} is longer than 16 MiB; split the record, or check for a missing newline between records`,
        { line },
      );
    } else {
      const bytes = pending.length ? Buffer.concat([...pending, tail]) : tail;
      const text = bytes.toString('utf8').trim();
      if (text) {
        records += 1;
        const kind = jsonLineKind(text);
        if (kind === 'invalid')
          issues.add(
            'INVALID_JSON',
            `line ${line} is not valid JSON (${jsonError(text)}); each line must hold one complete JSON object`,
            { line },
          );
        else if (kind === 'other-json')
          issues.add(
            'INVALID_JSON',
            `line ${line} holds ${describeJsonValue(text)}, not a JSON object; each line must be one object such as {"text": "…", "label": "…"}`,
            { line },
          );
      }
    }
    pending = [];
    pendingBytes = 0;
    tooLong = false;
    line += 1;
  };

  await forEachChunk(
    localPath,
    (chunk, position) => {
      utf8.push(chunk);
      let from = 0;
      let nl = chunk.indexOf(0x0a, from);
      while (nl !== -1) {
        if (pendingBytes + nl - from > MAX_JSON_LINE_BYTES) tooLong = true;
        finishLine(chunk.subarray(from, nl));
        if (issues.full) return false;
        from = nl + 1;
        nl = chunk.indexOf(0x0a, from);
      }
      if (from < chunk.length) {
        pendingBytes += chunk.length - from;
        if (pendingBytes > MAX_JSON_LINE_BYTES) {
          tooLong = true;
          pending = [];
        } else pending.push(Buffer.from(chunk.subarray(from)));
      }
      onProgress((position + chunk.length) / Math.max(1, size));
      return true;
    },
    { signal },
  );
  if (!issues.full) {
    utf8.end();
    if (pendingBytes > 0 || tooLong) finishLine(Buffer.alloc(0));
  }
  return records;
}

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return 'valid';
  } catch (err) {
    return err instanceof Error ? err.message.replace(/^JSON\.parse: /, '') : 'unreadable';
  }
}
