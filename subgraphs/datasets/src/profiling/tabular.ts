import { stat } from 'node:fs/promises';
import {
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  type DuckDBResultReader,
  type DuckDBValueConverter,
  type Json,
} from '@duckdb/node-api';
import {
  columnProfiles,
  distributionQueries,
  readDistribution,
  readSummary,
  scaleDistributions,
  summarySql,
  type Distributions,
  type SourceColumn,
  type Summary,
} from './column-stats.js';
import { reportRejects, summarizeRejects } from './csv-rejects.js';
import { DuckSession, duckMessage, sqlString } from './duckdb.js';
import { readRange } from './file-read.js';
import type { IssueList } from './issues.js';
import { checkJsonLines, MAX_JSON_LINE_BYTES } from './jsonl-check.js';
import { writeRowSample } from './sample.js';
import { splitFields, splitRecords } from './sniff.js';
import type { FileProfile, ProfileLimits, ProfileOptions } from './types.js';

/** Evenly spaced stretches of a big CSV its row sample is cut from. */
const SAMPLE_BLOCKS = 1024;

export type TabularFormat = 'CSV' | 'TSV' | 'JSONL' | 'PARQUET';

export interface TabularInput {
  localPath: string;
  name: string;
  format: TabularFormat;
  delimiter?: string;
  limits: ProfileLimits;
  options: ProfileOptions;
  issues: IssueList;
  progress: (fraction: number) => void;
}

/** How the file is handed to DuckDB; CSV options change as problems are worked around. */
class TabularSource {
  /** CSV: columns forced to VARCHAR because some value did not convert to the sniffed type. */
  readonly varcharColumns = new Set<string>();
  /** CSV: columns given explicitly (no sniffing at all) when DuckDB's sniffer gave up. */
  explicitColumns: string[] | null = null;
  /** JSONL: detect the schema from every record instead of a sample. */
  sampleAll = false;

  constructor(private readonly input: TabularInput) {}

  /**
   * The table function reading the file. `sample` reads a row sample of a CSV instead, with the
   * column types found in the whole file, skipping rows the cut left incomplete.
   */
  sql(
    rejects?: { table: string; scan: string; limit: number },
    sample?: { path: string; columns: SourceColumn[] },
  ): string {
    const { localPath, format, delimiter } = this.input;
    const path = sqlString(sample?.path ?? localPath);
    if (format === 'PARQUET') return `read_parquet(${path})`;
    if (format === 'JSONL') {
      const sample = this.sampleAll ? ', sample_size = -1' : '';
      return `read_json(${path}, format = 'newline_delimited', records = true, maximum_object_size = ${MAX_JSON_LINE_BYTES}${sample})`;
    }
    const options = [
      path,
      `delim = ${sqlString(delimiter ?? (format === 'TSV' ? '\t' : ','))}`,
      'header = true',
      // left to itself the sniffer may skip leading rows that look inconsistent, or pad short rows
      'skip = 0',
      'strict_mode = true',
      'null_padding = false',
      `quote = '"'`,
      `escape = '"'`,
      `comment = ''`,
    ];
    if (this.explicitColumns) {
      const columns = this.explicitColumns.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(', ');
      options.push(`columns = {${columns}}`, 'auto_detect = false');
    } else if (sample) {
      const types = sample.columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
      options.push(`types = {${types}}`);
    } else if (this.varcharColumns.size) {
      const types = [...this.varcharColumns].map((c) => `${sqlString(c)}: 'VARCHAR'`).join(', ');
      options.push(`types = {${types}}`);
    }
    if (sample) options.push('ignore_errors = true');
    if (rejects)
      options.push(
        'store_rejects = true',
        `rejects_table = ${sqlString(rejects.table)}`,
        `rejects_scan = ${sqlString(rejects.scan)}`,
        `rejects_limit = ${rejects.limit}`,
      );
    return `read_csv(${options.join(', ')})`;
  }
}

/**
 * Validates and profiles a CSV, TSV, JSON Lines or Parquet file with DuckDB: pass 1 scans the file
 * for counts, nulls, min/max/mean/std and distinct estimates (and, for CSV, collects rejected rows
 * with their lines); pass 2 scans it again for histograms and top values (a CSV/TSV over
 * `exactDistributionBytes`: a row sample of it); then the first rows are read in file order for the
 * preview. Returns null when issues were found.
 */
export async function profileTabular(input: TabularInput): Promise<FileProfile | null> {
  const { format, issues, limits, options } = input;
  let progressFrom = 0;
  if (format === 'JSONL') {
    await checkJsonLines(input.localPath, issues, (f) => input.progress(f * 0.3), options.signal);
    if (issues.any) return null;
    progressFrom = 0.3;
  }
  const stage = (from: number, to: number) => (f: number) =>
    input.progress(progressFrom + (1 - progressFrom) * (from + (to - from) * f));
  const session = await DuckSession.open(limits, options.signal);
  try {
    const source = new TabularSource(input);
    const scanned = await summarize(session, source, input, stage(0, 0.5));
    if (!scanned) return null;
    const { columns, summary } = scanned;
    const distributions =
      (await sampledDistributions(session, source, input, scanned)) ??
      (await exactDistributions(session, source, input, summary, stage(0.5, 0.95)));
    if (!distributions) return null;
    await session.run('SET preserve_insertion_order = true');
    const previewReader = await guarded(input, () =>
      session.query(`SELECT * FROM ${source.sql()} LIMIT ${Math.max(0, Math.floor(limits.previewRows))}`),
    );
    if (!previewReader) return null;
    stage(0, 1)(1);
    const profile: FileProfile = {
      format,
      rowCount: summary.rows,
      columns: columnProfiles(summary, distributions),
      preview: { columns: columns.map((c) => c.name), rows: previewRows(previewReader) },
    };
    if (format === 'CSV' || format === 'TSV') profile.delimiter = input.delimiter ?? (format === 'TSV' ? '\t' : ',');
    return profile;
  } finally {
    await session.close();
  }
}

/**
 * Pass 1. A CSV is first read plainly, which is fastest and enough for a sound file; when DuckDB
 * refuses it, it is read again recording rejected rows, to report every bad line or to correct
 * column types the sniffer guessed from a sample. Null when the file has issues.
 */
async function summarize(
  session: DuckSession,
  source: TabularSource,
  input: TabularInput,
  onProgress: (fraction: number) => void,
): Promise<{ columns: SourceColumn[]; summary: Summary } | null> {
  const { format, issues, options, limits } = input;
  const csv = format === 'CSV' || format === 'TSV';
  let columns: SourceColumn[] = [];
  let recordRejects = false;
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    const rejects =
      csv && recordRejects
        ? { table: `rejects_${attempt}`, scan: `rejects_scan_${attempt}`, limit: Math.max(1000, limits.maxIssues * 10) }
        : undefined;
    let reader: DuckDBResultReader;
    try {
      columns = await describe(session, source.sql());
      if (!checkLabelColumn(columns, input)) return null;
      reader = await session.query(summarySql(columns, source.sql(rejects)), onProgress);
    } catch (err) {
      options.signal?.throwIfAborted();
      if (csv && !recordRejects) {
        recordRejects = true;
        continue;
      }
      if (csv && !source.explicitColumns) {
        // DuckDB's sniffer gives up on some broken files: read every field as text to find why
        if (await findStructuralIssues(session, source, input)) return null;
        continue;
      }
      if (format === 'JSONL' && !source.sampleAll) {
        // a record past the sampled ones may not fit the sampled schema
        source.sampleAll = true;
        continue;
      }
      reportReadError(err, input);
      return null;
    }
    if (rejects) {
      const found = await summarizeRejects(session, rejects.table);
      if (found.structural > 0) {
        await reportRejects(session, rejects.table, csvFile(input), issues, limits.maxIssues, options.signal);
        return null;
      }
      if (found.castColumns.length) {
        for (const c of found.castColumns) source.varcharColumns.add(c);
        continue;
      }
    }
    return { columns, summary: readSummary(columns, reader) };
  }
  // type corrections did not converge: read every field as text (the file's structure is sound)
  source.explicitColumns = columns.map((c) => c.name);
  const text = await describe(session, source.sql());
  return { columns: text, summary: readSummary(text, await session.query(summarySql(text, source.sql()), onProgress)) };
}

/**
 * Pass 2 over the whole file: exact histograms and top values. Null when the file, accepted by
 * pass 1, still failed to read (the issue is reported).
 */
async function exactDistributions(
  session: DuckSession,
  source: TabularSource,
  input: TabularInput,
  summary: Summary,
  onProgress: (fraction: number) => void,
): Promise<Distributions | null> {
  const distributions: Distributions = new Map();
  const queries = distributionQueries(summary, source.sql());
  for (const [i, query] of queries.entries()) {
    const part = (f: number) => onProgress((i + f) / queries.length);
    const reader = await guarded(input, () => session.query(query.sql, part));
    if (!reader) return null;
    readDistribution(query.keys, reader, distributions);
  }
  return distributions;
}

/**
 * A CSV/TSV over `exactDistributionBytes` gets its histograms and top values from a row sample
 * instead of a second scan (the scan costs as much as pass 1), scaled to pass 1's exact counts.
 * Null when the file is small enough for pass 2, or the sample could not be made or read.
 */
async function sampledDistributions(
  session: DuckSession,
  source: TabularSource,
  input: TabularInput,
  scanned: { columns: SourceColumn[]; summary: Summary },
): Promise<Distributions | null> {
  const { format, limits, localPath, options } = input;
  if (format !== 'CSV' && format !== 'TSV') return null;
  const { size } = await stat(localPath);
  if (size <= limits.exactDistributionBytes) return null;
  const path = session.scratchPath('sample.csv');
  const written = await writeRowSample(localPath, size, path, {
    bytes: limits.distributionSampleBytes,
    blocks: SAMPLE_BLOCKS,
    delimiter: csvFile(input).delimiter,
    signal: options.signal,
  });
  if (written === null) return null;
  const sample = source.sql(undefined, { path, columns: scanned.columns });
  try {
    const counted = await session.query(`SELECT count(*) AS n FROM ${sample}`);
    const rows = Number(counted.getRowsJS()[0]?.[0] ?? 0);
    if (rows === 0) return null;
    const distributions: Distributions = new Map();
    for (const query of distributionQueries(scanned.summary, sample))
      readDistribution(query.keys, await session.query(query.sql), distributions);
    scaleDistributions(scanned.summary, distributions, rows);
    return distributions;
  } catch {
    // the exact scan reports whatever is wrong
    options.signal?.throwIfAborted();
    return null;
  }
}

async function describe(session: DuckSession, source: string): Promise<SourceColumn[]> {
  const reader = await session.query(`DESCRIBE SELECT * FROM ${source}`);
  return reader.getRowObjectsJS().map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
}

function checkLabelColumn(columns: SourceColumn[], input: TabularInput): boolean {
  const label = input.options.labelColumn;
  if (label === undefined || columns.some((c) => c.name === label)) return true;
  const names = columns.map((c) => c.name);
  const shown = names.slice(0, 20).join(', ') + (names.length > 20 ? `, … (${names.length} in all)` : '');
  input.issues.add(
    'UNKNOWN_LABEL_COLUMN',
    `the label column "${label}" is not a column of ${input.name}; its columns are ${shown}. Pick one of them as the label column`,
  );
  return false;
}

/**
 * Reads a CSV with its header's column names, every field as text and no sniffing, so that only
 * structure (field counts, quotes, encoding) can fail; reports what fails. False when nothing did:
 * the file is then profiled with every column as VARCHAR.
 */
async function findStructuralIssues(
  session: DuckSession,
  source: TabularSource,
  input: TabularInput,
): Promise<boolean> {
  const head = (await readRange(input.localPath, 0, 1024 * 1024)).toString('utf8').replace(/^\uFEFF/, '');
  const header = splitRecords(head, 1)[0] ?? '';
  const delimiter = csvFile(input).delimiter;
  const seen = new Set<string>();
  source.explicitColumns = splitFields(header, delimiter).map((raw, i) => {
    let name = raw.trim() || `column${i}`;
    for (let k = 2; seen.has(name); k += 1) name = `${raw.trim() || `column${i}`}_${k}`;
    seen.add(name);
    return name;
  });
  const rejects = {
    table: 'rejects_structure',
    scan: 'rejects_structure_scan',
    limit: Math.max(1000, input.limits.maxIssues * 10),
  };
  try {
    await session.query(`SELECT count(COLUMNS(*)) FROM ${source.sql(rejects)}`);
  } catch (err) {
    input.options.signal?.throwIfAborted();
    reportReadError(err, input);
    return true;
  }
  const found = await summarizeRejects(session, rejects.table);
  if (found.structural === 0) return false;
  await reportRejects(
    session,
    rejects.table,
    csvFile(input),
    input.issues,
    input.limits.maxIssues,
    input.options.signal,
  );
  return true;
}

const csvFile = (input: TabularInput) => ({
  localPath: input.localPath,
  delimiter: input.delimiter ?? (input.format === 'TSV' ? '\t' : ','),
});

/** Runs a query on a file that pass 1 accepted; a failure still becomes an issue, not a crash. */
async function guarded(
  input: TabularInput,
  run: () => Promise<DuckDBResultReader>,
): Promise<DuckDBResultReader | null> {
  try {
    return await run();
  } catch (err) {
    input.options.signal?.throwIfAborted();
    reportReadError(err, input);
    return null;
  }
}

function reportReadError(err: unknown, input: TabularInput): void {
  const detail = duckMessage(err, input.localPath, input.name);
  switch (input.format) {
    case 'PARQUET':
      input.issues.add(
        'INVALID_PARQUET',
        `${input.name} could not be read as Parquet (${detail}); export it again (for example with pandas.DataFrame.to_parquet or pyarrow) and upload the new file`,
      );
      break;
    case 'JSONL':
      input.issues.add(
        'INVALID_JSON',
        `${input.name} could not be read as JSON Lines (${detail}); make every line one JSON object whose fields keep the same types`,
      );
      break;
    default:
      input.issues.add(
        'MALFORMED_ROW',
        `${input.name} could not be read as ${input.format} (${detail}); fix the file and upload it again`,
      );
  }
}

/**
 * DuckDB's JSON conversion, except that integers and decimals — also inside lists and structs —
 * stay numbers while they are exact (DuckDB's own turns every BIGINT into a string).
 */
const previewValue: DuckDBValueConverter<Json> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT: {
      const text = String(value);
      return Number.isSafeInteger(Number(text)) ? Number(text) : text;
    }
    case DuckDBTypeId.DECIMAL: {
      const n = Number(String(value));
      return Number.isFinite(n) ? n : String(value);
    }
    default:
      return JsonDuckDBValueConverter(value, type, converter);
  }
};

/** Preview rows as JSON-safe values. */
function previewRows(reader: DuckDBResultReader): unknown[][] {
  return reader.convertRows(previewValue);
}
