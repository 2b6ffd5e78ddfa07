import type { DuckSession } from './duckdb.js';
import { sqlName } from './duckdb.js';
import { lineNumbersAt } from './file-read.js';
import type { IssueList } from './issues.js';

/** What DuckDB's rejects table says about one scan. */
export interface RejectSummary {
  /** Rows rejected for their structure or encoding (not for a failed type conversion). */
  structural: number;
  /** Columns where some value did not convert to the sniffed type. */
  castColumns: string[];
}

const delimiterWords: Record<string, string> = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'pipe' };

export async function summarizeRejects(session: DuckSession, table: string): Promise<RejectSummary> {
  const counts = await session.query(
    `SELECT count(*) FILTER (WHERE error_type <> 'CAST') AS structural, ` +
      `list(DISTINCT column_name) FILTER (WHERE error_type = 'CAST') AS cast_columns FROM ${sqlName(table)}`,
  );
  const [structural, castColumns] = counts.getRowsJS()[0] as [bigint | number, Array<string | null> | null];
  return { structural: Number(structural), castColumns: (castColumns ?? []).filter((c): c is string => c !== null) };
}

/**
 * Turns the structural rejects of a scan into issues with physical line numbers: DuckDB's own
 * `line` counts records, so the line is recounted from each record's byte offset.
 */
export async function reportRejects(
  session: DuckSession,
  table: string,
  file: { localPath: string; delimiter: string },
  issues: IssueList,
  limit: number,
  signal?: AbortSignal,
): Promise<void> {
  const reader = await session.query(
    `SELECT line_byte_position, line, error_type, error_message FROM ${sqlName(table)} ` +
      `WHERE error_type <> 'CAST' ORDER BY line_byte_position, line LIMIT ${Math.max(1, limit)}`,
  );
  const rows = reader.getRowsJS().map(([at, line, type, message]) => ({
    at: at === null || at === undefined ? null : Number(at),
    line: Number(line),
    type: String(type),
    message: String(message ?? ''),
  }));
  const offsets = rows.flatMap((r) => (r.at === null ? [] : [r.at]));
  const lineAt = await lineNumbersAt(file.localPath, offsets, signal);
  const seen = new Set<string>();
  const delimiter = delimiterWords[file.delimiter] ?? `"${file.delimiter}"`;
  for (const row of rows) {
    const line = (row.at !== null ? lineAt.get(row.at) : undefined) ?? row.line;
    const key = `${line}:${row.type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    switch (row.type) {
      case 'MISSING COLUMNS':
      case 'TOO MANY COLUMNS': {
        const m = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(row.message);
        const [expected, found] = m
          ? [m[1], m[2]]
          : ['the header’s', row.type === 'MISSING COLUMNS' ? 'fewer' : 'more'];
        issues.add(
          'INCONSISTENT_COLUMNS',
          `line ${line} has ${found} fields but the header has ${expected}; fix the row, or quote fields that contain the ${delimiter} delimiter`,
          { line },
        );
        break;
      }
      case 'UNQUOTED VALUE':
        issues.add(
          'MALFORMED_ROW',
          `line ${line} has a quoted field that is never closed or has text after its closing quote; close the quote, and write a quote inside a quoted field as ""`,
          { line },
        );
        break;
      case 'LINE SIZE OVER MAXIMUM':
        issues.add(
          'MALFORMED_ROW',
          `line ${line} is longer than the 2 MB a row may hold; split the row, or look for a missing newline or quote before it`,
          { line },
        );
        break;
      case 'INVALID ENCODING':
      case 'INVALID UNICODE':
        issues.add(
          'INVALID_UTF8',
          `line ${line} is not valid UTF-8; save the file as UTF-8 (it looks like another encoding, such as Latin-1 or Windows-1252)`,
          { line },
        );
        break;
      default:
        issues.add('MALFORMED_ROW', `line ${line} could not be read (${row.message}); fix the row`, { line });
    }
  }
}
