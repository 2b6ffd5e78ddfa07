import { stat } from 'node:fs/promises';
import { forEachChunk } from './file-read.js';
import type { IssueList } from './issues.js';
import { countCodePoints, Utf8Checker } from './utf8.js';
import type { FileProfile } from './types.js';

/** Preview lines longer than this many characters are cut (with "…"). */
const MAX_PREVIEW_LINE_CHARS = 2000;

export interface TextInput {
  localPath: string;
  name: string;
  previewRows: number;
  issues: IssueList;
  progress: (fraction: number) => void;
  signal?: AbortSignal;
}

/**
 * Validates and profiles plain text in one streaming pass: UTF-8 validity with the lines at fault,
 * line and character (code point) counts, and the first lines as the preview.
 */
export async function profileText(input: TextInput): Promise<FileProfile | null> {
  const { localPath, name, issues } = input;
  const size = (await stat(localPath)).size;
  const utf8 = new Utf8Checker((line) =>
    issues.add(
      'INVALID_UTF8',
      `line ${line} is not valid UTF-8; save the file as UTF-8 (it looks like another encoding, such as Latin-1 or Windows-1252)`,
      { line },
    ),
  );
  const wanted = Math.max(0, Math.floor(input.previewRows));
  const preview: string[] = [];
  let current: Buffer[] = [];
  let currentBytes = 0;
  let characters = 0;
  let lastByte = -1;
  let sawText = false;

  await forEachChunk(
    localPath,
    (chunk, position) => {
      utf8.push(chunk);
      if (issues.full) return false;
      characters += countCodePoints(chunk);
      lastByte = chunk[chunk.length - 1]!;
      if (!sawText && /\S/.test(chunk.toString('latin1'))) sawText = true;
      let from = 0;
      while (preview.length < wanted && from <= chunk.length) {
        const nl = chunk.indexOf(0x0a, from);
        const end = nl === -1 ? chunk.length : nl;
        if (currentBytes < MAX_PREVIEW_LINE_CHARS * 4) {
          current.push(chunk.subarray(from, end));
          currentBytes += end - from;
        }
        if (nl === -1) break;
        preview.push(previewLine(current));
        current = [];
        currentBytes = 0;
        from = nl + 1;
      }
      input.progress((position + chunk.length) / Math.max(1, size));
      return true;
    },
    { signal: input.signal },
  );
  utf8.end();
  if (issues.any) return null;
  if (!sawText) {
    issues.add('EMPTY_FILE', `${name} holds only whitespace; upload a file with content`);
    return null;
  }
  const lines = utf8.newlines + (lastByte === 0x0a ? 0 : 1);
  if (preview.length < wanted && currentBytes > 0) preview.push(previewLine(current));
  return {
    format: 'TEXT',
    rowCount: lines,
    columns: [{ name: 'line', type: 'VARCHAR', count: lines, nullCount: 0 }],
    preview: { columns: ['line'], rows: preview.map((line) => [line]) },
    text: { lines, characters },
  };
}

function previewLine(parts: Buffer[]): string {
  let line = Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
  if (line.startsWith('\uFEFF')) line = line.slice(1);
  return line.length > MAX_PREVIEW_LINE_CHARS ? `${line.slice(0, MAX_PREVIEW_LINE_CHARS)}…` : line;
}
