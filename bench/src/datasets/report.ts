import { formatMiB, formatNumber, formatRatio, markdownTable } from '../harness/markdown.js';
import { median } from '../harness/statistics.js';
import type { PlatformUpload, UploadSteps } from './platform.js';
import type { ProfileMessage } from './profile-process.js';

/** The platform's upload of the CSV, with the row count of the version it made. */
export type CsvUpload = PlatformUpload & { rowCount?: number };

/** What one store measured: both paths in every round, then the CSV through the platform. */
export interface StoreResult {
  label: string;
  rounds: Array<{
    platformSeconds: number;
    rawSeconds: number;
    platformSteps: UploadSteps;
    rawSteps: UploadSteps;
    /** From the platform's completion answer until the upload left VALIDATING. */
    settleSeconds: number;
    status: string;
    issue?: string;
  }>;
  csv: CsvUpload | undefined;
  partSize?: number;
  /** VmHWM of the all-in-one process when the store was done. */
  platformPeakRss: number;
}

export type ProfileRun = Extract<ProfileMessage, { type: 'profiled' }>;

export interface DatasetsReportInput {
  size: number;
  rounds: number;
  csv: { bytes: number; rows: number; columns: number };
  stores: StoreResult[];
  profiles: ProfileRun[];
  machine: string;
}

/** Upload and profiling targets of issue 5. */
export const TARGETS = { uploadRatio: 0.8, profileMBps: 100, profilePeakRss: 512 * 1024 * 1024 };

/** Megabytes (10^6 bytes) per second. */
export const mbPerSecond = (bytes: number, seconds: number) => bytes / seconds / 1e6;

const seconds = (value: number) => `${formatNumber(value)} s`;
const each = (values: number[]) => values.map(formatNumber).join(' / ');

/** Median seconds of the first pass, the second pass and what follows, from the progress milestones. */
function phases(profiles: ProfileRun[]): string {
  const [first, second] = [0, 1].map((i) => profiles.map((p) => p.milestones[i]));
  if (first!.some((t) => t === null) || second!.some((t) => t === null)) return 'n/a';
  const pass1 = median(first as number[]);
  const pass2 = median(profiles.map((p) => p.milestones[1]! - p.milestones[0]!));
  const rest = median(profiles.map((p) => p.seconds - p.milestones[1]!));
  return `${each([pass1, pass2, rest])} s`;
}

/** The Markdown section `npm run bench -- datasets` prints. */
export function datasetsReport(input: DatasetsReportInput): string {
  const { size, rounds, stores, profiles } = input;
  const verdicts: string[] = [];

  const uploadRows = stores.map((store) => {
    const platform = store.rounds.map((r) => mbPerSecond(size, r.platformSeconds));
    const raw = store.rounds.map((r) => mbPerSecond(size, r.rawSeconds));
    const ratios = store.rounds.map((r) => r.rawSeconds / r.platformSeconds);
    const ratio = median(ratios);
    verdicts.push(
      `upload on the ${store.label}: ${formatRatio(ratio)} of raw against ≥ ${formatRatio(TARGETS.uploadRatio)}, ` +
        (ratio >= TARGETS.uploadRatio ? 'met' : 'MISSED'),
    );
    const statuses = [...new Set(store.rounds.map((r) => r.status))].join(', ');
    return [
      store.label,
      formatNumber(median(platform)),
      formatNumber(median(raw)),
      formatRatio(ratio),
      store.rounds.map((r) => formatRatio(r.rawSeconds / r.platformSeconds)).join(' / '),
      each(platform),
      each(raw),
      `${seconds(median(store.rounds.map((r) => r.settleSeconds)))} (${statuses})`,
      formatMiB(store.platformPeakRss),
    ];
  });

  const stepRows = stores.flatMap((store) =>
    (['platform', 'raw'] as const).map((path) => {
      const steps = store.rounds.map((r) => (path === 'platform' ? r.platformSteps : r.rawSteps));
      const parts = median(steps.map((s) => s.parts));
      return [
        store.label,
        path,
        seconds(median(steps.map((s) => s.start))),
        seconds(parts),
        formatNumber(mbPerSecond(size, parts)),
        seconds(median(steps.map((s) => s.complete))),
      ];
    }),
  );

  const csvRows = stores.map((store) => {
    const csv = store.csv;
    if (!csv) return [store.label, 'n/a', 'n/a', 'n/a', 'n/a', 'not run', ''];
    const total = csv.uploadSeconds + csv.settleSeconds;
    return [
      store.label,
      formatNumber(mbPerSecond(input.csv.bytes, csv.uploadSeconds)),
      seconds(csv.settleSeconds),
      seconds(total),
      formatNumber(mbPerSecond(input.csv.bytes, total)),
      csv.issue ? `${csv.status}: ${csv.issue}` : csv.status,
      csv.rowCount === undefined ? '' : String(csv.rowCount),
    ];
  });

  const profileSeconds = profiles.map((p) => p.seconds);
  const profileMBps = median(profiles.map((p) => mbPerSecond(p.bytes, p.seconds)));
  const peak = Math.max(...profiles.map((p) => p.peakRss));
  const profileOk = profiles.every((p) => p.ok);
  verdicts.push(
    `profiling: ${formatNumber(profileMBps)} MB/s against ≥ ${TARGETS.profileMBps} MB/s, ` +
      (profileMBps >= TARGETS.profileMBps ? 'met' : 'MISSED') +
      `; peak RSS ${formatMiB(peak)} against ≤ ${formatMiB(TARGETS.profilePeakRss)}, ` +
      (peak <= TARGETS.profilePeakRss ? 'met' : 'MISSED') +
      (profileOk ? '' : ' (the profile found the file invalid: see the table)'),
  );
  const first = profiles[0];
  const profileRow = [
    `${formatMiB(input.csv.bytes)} CSV, ${input.csv.columns} columns`,
    first?.ok ? `${first.rowCount ?? '?'} rows, ${first.columns ?? '?'} columns` : `invalid: ${first?.issue ?? '?'}`,
    seconds(median(profileSeconds)),
    each(profileSeconds),
    formatNumber(profileMBps),
    formatMiB(peak),
    formatMiB(median(profiles.map((p) => p.rssBefore))),
    phases(profiles),
  ];

  const partSize = stores.find((s) => s.partSize)?.partSize;
  return [
    '## datasets',
    '',
    `${rounds} round${rounds === 1 ? '' : 's'}; a ${formatMiB(size)} file of random bytes for the uploads and a CSV of ` +
      `${input.csv.bytes} bytes (${input.csv.rows} rows, ${input.csv.columns} columns) for profiling. ` +
      `MB = 10^6 bytes. Parts of ${partSize ? formatMiB(partSize) : '?'}, 4 at a time, on both paths.`,
    '',
    '### Upload: platform path vs raw multipart upload',
    '',
    markdownTable(
      [
        'store',
        'platform MB/s',
        'raw MB/s',
        'platform ÷ raw',
        '÷ each round',
        'platform each round',
        'raw each round',
        'completion → settled (binary)',
        'platform VmHWM',
      ],
      uploadRows,
    ),
    '',
    'Where the time goes (medians): start is everything until the part URLs are known ' +
      '(`startDatasetUpload`, or createMultipartUpload and presigning); complete is `completeDatasetUpload`, or ' +
      'completeMultipartUpload.',
    '',
    markdownTable(['store', 'path', 'start', 'parts', 'parts MB/s', 'complete'], stepRows),
    '',
    '### The CSV through the platform (once per store)',
    '',
    markdownTable(
      ['store', 'upload MB/s', 'completion → settled', 'start → settled', 'end-to-end MB/s', 'status', 'rows'],
      csvRows,
    ),
    '',
    '### Profiling the CSV (`profileFile` in its own process, default limits)',
    '',
    markdownTable(
      [
        'file',
        'found',
        'wall (median)',
        'each round (s)',
        'MB/s (median)',
        'peak RSS (VmHWM, max)',
        'VmRSS before',
        'pass 1 / pass 2 / rest (median)',
      ],
      [profileRow],
    ),
    '',
    `Machine: ${input.machine}.`,
    '',
    'Against the targets:',
    ...verdicts.map((v) => `- ${v}`),
  ].join('\n');
}
