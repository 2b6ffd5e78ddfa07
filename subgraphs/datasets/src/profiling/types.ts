/** The kinds of file a dataset version may hold. */
export type DatasetFormat = 'CSV' | 'TSV' | 'JSONL' | 'PARQUET' | 'NPY' | 'IMAGE_ARCHIVE' | 'TEXT';

/** Bounds on the work and memory one `profileFile` call may spend. */
export interface ProfileLimits {
  /** A file bigger than this is refused with FILE_TOO_LARGE. */
  maxFileBytes: number;
  /** Image archives: most entries (directories included). */
  maxArchiveEntries: number;
  /** Image archives: most bytes the entries may expand to, counted as they are inflated. */
  maxArchiveBytes: number;
  /** Image archives: highest expanded-to-compressed ratio, per entry and for the whole archive. */
  maxCompressionRatio: number;
  /** Rows shown in the preview. */
  previewRows: number;
  /** Issues reported at most; collecting stops after that many. */
  maxIssues: number;
  /** Image thumbnails produced (128 px longest side). */
  thumbnails: number;
  /** DuckDB's memory_limit while profiling a tabular file. */
  memoryLimitBytes: number;
  /** DuckDB's worker threads. */
  threads: number;
  /**
   * CSV/TSV files up to this size get exact histograms and top values from a second scan; bigger
   * ones get them from a sample of `distributionSampleBytes` of rows, so that the file is read once.
   */
  exactDistributionBytes: number;
  /** Size of that sample. */
  distributionSampleBytes: number;
  /** Where DuckDB puts its temporary database and spill files (a fresh folder inside it per call). */
  tempDir: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Limits used when the caller has no reason to pick others. */
export const defaultProfileLimits: Omit<ProfileLimits, 'tempDir'> = {
  maxFileBytes: 50 * GiB,
  maxArchiveEntries: 100_000,
  maxArchiveBytes: 20 * GiB,
  maxCompressionRatio: 100,
  previewRows: 20,
  maxIssues: 100,
  thumbnails: 16,
  memoryLimitBytes: 256 * MiB,
  threads: 2,
  exactDistributionBytes: 256 * MiB,
  distributionSampleBytes: 32 * MiB,
};

export type IssueCode =
  | 'EMPTY_FILE'
  | 'FILE_TOO_LARGE'
  | 'INVALID_UTF8'
  | 'MALFORMED_ROW'
  | 'INCONSISTENT_COLUMNS'
  | 'INVALID_JSON'
  | 'EXTENSION_MISMATCH'
  | 'UNSUPPORTED_FORMAT'
  | 'INVALID_PARQUET'
  | 'INVALID_NPY'
  | 'INVALID_IMAGE'
  | 'ARCHIVE_TOO_MANY_ENTRIES'
  | 'ARCHIVE_TOO_LARGE'
  | 'ARCHIVE_RATIO'
  | 'PATH_TRAVERSAL'
  | 'SYMLINK'
  | 'DUPLICATE_ENTRY'
  | 'UNKNOWN_LABEL_COLUMN'
  // set by the validation job around the profiler: the stored object is not what was declared,
  // or the job itself kept failing
  | 'SIZE_MISMATCH'
  | 'HASH_MISMATCH'
  | 'VALIDATION_FAILED';

/** One thing wrong with a file, saying what and what to do about it. */
export interface ValidationIssue {
  code: IssueCode;
  message: string;
  /** The file's path inside the dataset version. */
  file: string;
  /** 1-based physical line of a text file. */
  line?: number;
  /** The archive entry concerned. */
  entry?: string;
}

/** Summary of one column (or, for NPY, of all the array's elements). */
export interface ColumnProfile {
  name: string;
  /** DuckDB's logical type name (BIGINT, DOUBLE, VARCHAR, DATE, BOOLEAN…), or for NPY the dtype (`<f4`). */
  type: string;
  /** Values in the column, nulls included. */
  count: number;
  /** SQL NULLs; for NPY the NaN elements. */
  nullCount: number;
  min?: string | number;
  max?: string | number;
  mean?: number;
  /** Population standard deviation. */
  std?: number;
  distinctEstimate?: number;
  /** Up to 10 most frequent non-null values, most frequent first. */
  topValues?: Array<{ value: string; count: number }>;
  /** Equal-width bins between min and max; their counts add up to the non-null finite values. */
  histogram?: Array<{ start: number; end: number; count: number }>;
  /**
   * The histogram's and top values' counts are estimates from a sample of the file's rows (CSV/TSV
   * files over `ProfileLimits.exactDistributionBytes`); every other statistic is exact.
   */
  distributionEstimated?: boolean;
}

export interface ImageThumbnail {
  path: string;
  label: string | null;
  /** Size of the thumbnail (at most 128 px on its longest side). */
  width: number;
  height: number;
  contentType: 'image/png' | 'image/jpeg';
  data: Buffer;
}

export interface FileProfile {
  format: DatasetFormat;
  /** Rows (tabular), lines (TEXT), images (IMAGE_ARCHIVE), first-axis length (NPY). */
  rowCount: number;
  columns: ColumnProfile[];
  /** The first rows in file order; every value is JSON-safe. */
  preview: { columns: string[]; rows: unknown[][] };
  images?: {
    count: number;
    classes: Array<{ label: string; count: number }>;
    splits: Array<{ name: string; count: number }>;
    thumbnails: ImageThumbnail[];
  };
  npy?: { dtype: string; shape: number[]; fortranOrder: boolean };
  text?: { lines: number; characters: number };
  /** CSV/TSV only: the field delimiter found by sniffing. */
  delimiter?: string;
}

export type ProfileOutcome = { ok: true; profile: FileProfile } | { ok: false; issues: ValidationIssue[] };

export interface ProfileOptions {
  /** Tabular files: the column holding the label; it must exist. */
  labelColumn?: string;
  /** Called with the fraction (0…1) of the work done, at least at the start and the end. */
  onProgress?: (fraction: number) => void;
  /** Aborting rejects the call with the signal's reason and releases everything it held. */
  signal?: AbortSignal;
}
