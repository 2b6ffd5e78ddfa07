import { formatTable } from '../table.js';
import type { Dataset, ValidationIssue, VersionDetail, VersionSummary } from './api.js';
import { formatBytes, formatTime, plural } from './format.js';

const PREVIEW_ROWS = 10;
const CELL_WIDTH = 32;

const cell = (value: string | number | null | undefined): string => {
  if (value === null || value === undefined || value === '') return '-';
  const text = String(value).replace(/\s+/g, ' ');
  return text.length > CELL_WIDTH ? `${text.slice(0, CELL_WIDTH - 1)}…` : text;
};

const number = (value: number | null | undefined): string =>
  value === null || value === undefined ? '-' : Number.isInteger(value) ? String(value) : value.toPrecision(4);

/** A version in one line: "150 rows, CSV, 2 files, 4.4 KiB". */
export function versionLine(version: Pick<VersionSummary, 'rowCount' | 'format' | 'fileCount' | 'sizeBytes'>): string {
  return [
    version.rowCount === null ? undefined : plural(version.rowCount, 'row'),
    version.format ?? undefined,
    plural(version.fileCount, 'file'),
    formatBytes(version.sizeBytes),
  ]
    .filter(Boolean)
    .join(', ');
}

/** An issue as `file:line code message` (`file!entry` for an entry of an archive). */
export function issueLine(issue: ValidationIssue): string {
  const where = `${issue.file}${issue.entry ? `!${issue.entry}` : ''}${issue.line !== null ? `:${issue.line}` : ''}`;
  return `${where} ${issue.code} ${issue.message}`;
}

/** `aitip datasets show` as text: the dataset, its versions, then the chosen version's files, schema and preview. */
export function renderDataset(dataset: Dataset, versions: VersionSummary[], version: VersionDetail | null): string {
  const fields: Array<[string, string]> = [
    ['Dataset', dataset.name],
    ['ID', dataset.id],
    ['Status', dataset.status],
    ['Format', dataset.format ?? '-'],
    ['Versions', String(dataset.versionCount)],
    ['Tags', dataset.tags.join(', ') || '-'],
    ['Description', dataset.description ?? '-'],
    ['Created', formatTime(dataset.createdAt)],
    ['Updated', formatTime(dataset.updatedAt)],
  ];
  if (dataset.deletedAt) {
    fields.push([
      'Deleted',
      `${formatTime(dataset.deletedAt)} (restore it with \`aitip datasets restore ${dataset.id}\`)`,
    ]);
  }
  const width = Math.max(...fields.map(([k]) => k.length));
  let text = fields.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n';

  if (versions.length > 0) {
    text +=
      '\n' +
      formatTable([
        ['VERSION', 'STATUS', 'ROWS', 'FORMAT', 'FILES', 'SIZE', 'CREATED'],
        ...versions.map((v) => [
          String(v.version),
          v.status,
          number(v.rowCount),
          v.format ?? '-',
          String(v.fileCount),
          formatBytes(v.sizeBytes),
          formatTime(v.createdAt),
        ]),
      ]);
  }
  if (!version) {
    if (dataset.status === 'INVALID') {
      const issues = dataset.latestUpload?.issues ?? [];
      text += `\nNo version: the latest upload was invalid${issues.length ? ':' : '.'}\n`;
      for (const issue of issues) text += `  ${issueLine(issue)}\n`;
      text += `Fix the files and upload them again with \`aitip datasets upload <path> --dataset ${dataset.name}\`.\n`;
    } else if (dataset.status === 'VALIDATING') {
      text += '\nAn upload is being validated; its version appears here when it is ready.\n';
    } else if (versions.length === 0) {
      text += `\nNo version yet. Upload files with \`aitip datasets upload <path> --dataset ${dataset.name}\`.\n`;
    }
    return text;
  }
  return text + renderVersion(version);
}

function renderVersion(version: VersionDetail): string {
  let text = `\nVersion ${version.version} (${version.status}): ${versionLine(version)}, created ${formatTime(version.createdAt)}\n`;
  if (version.contentHash) text += `Content hash  ${version.contentHash}\n`;
  if (version.labelColumn) text += `Label column  ${version.labelColumn}\n`;
  if (version.description) text += `Description   ${version.description}\n`;
  if (version.usedBy.length > 0) text += `Used by       ${version.usedBy.join(', ')}\n`;
  text +=
    '\n' +
    formatTable([
      ['FILE', 'SIZE', 'FORMAT', 'ROWS', 'SPLIT', 'SHA256'],
      ...version.files.map((f) => [
        f.path,
        formatBytes(f.sizeBytes),
        f.format ?? '-',
        number(f.rowCount),
        f.split ?? '-',
        f.sha256,
      ]),
    ]);
  if (version.stats.length > 0) {
    text +=
      '\n' +
      formatTable([
        ['COLUMN', 'TYPE', 'NULLS', 'MIN', 'MAX', 'MEAN', 'DISTINCT'],
        ...version.stats.map((c) => [
          c.name,
          c.type,
          number(c.nullCount),
          cell(c.min),
          cell(c.max),
          number(c.mean),
          number(c.distinctEstimate),
        ]),
      ]);
  }
  if (version.images) {
    text += `\nImages: ${version.images.count}`;
    if (version.images.classes.length > 0) {
      text += ` in ${plural(version.images.classes.length, 'class', 'classes')} (`;
      text += version.images.classes.map((c) => `${c.name} ${c.count}`).join(', ') + ')';
    }
    text += '\n';
  }
  if (version.splits.length > 0) {
    text += `\nSplits: ${version.splits.map((s) => `${s.name} (${plural(s.rows, 'row')})`).join(', ')}\n`;
  }
  const { columns, rows } = version.preview;
  if (columns.length > 0 && rows.length > 0) {
    const shown = rows.slice(0, PREVIEW_ROWS);
    text += `\nPreview (first ${plural(shown.length, 'row')}):\n`;
    text += formatTable([columns.map(cell), ...shown.map((row) => row.map(cell))]);
  }
  return text;
}
