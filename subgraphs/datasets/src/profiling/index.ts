import { stat } from 'node:fs/promises';
import {
  detectFormat as detect,
  extensionAllows,
  extensionFormat,
  FORMAT_WORDS,
  type FormatDetection,
} from './detect.js';
import { ArchiveStop, ImageArchiveCollector } from './images.js';
import { checkAborted, IssueList, Progress } from './issues.js';
import { profileNpy } from './npy.js';
import { profileTabular } from './tabular.js';
import { scanTar } from './tar.js';
import { profileText } from './text.js';
import type { DatasetFormat, FileProfile, ProfileLimits, ProfileOptions, ProfileOutcome } from './types.js';
import { scanZip } from './zip.js';

export * from './types.js';

/** Format detection from content (magic bytes, sniffing), with the extension as a hint only. */
export async function detectFormat(
  localPath: string,
  name: string,
): Promise<{ format: DatasetFormat | null; reason?: string }> {
  const found = await detect(localPath, name);
  const out: { format: DatasetFormat | null; reason?: string } = { format: found.format };
  if (found.reason) out.reason = found.reason;
  return out;
}

/**
 * Validates and profiles one file on local disk; `name` is its path inside the dataset version
 * (used for extension checks and messages). Never loads the whole file in memory. A file with
 * issues gets no profile. Rejects only for the caller's abort or an unexpected failure.
 */
export async function profileFile(
  localPath: string,
  name: string,
  limits: ProfileLimits,
  options: ProfileOptions = {},
): Promise<ProfileOutcome> {
  const { signal } = options;
  checkAborted(signal);
  const issues = new IssueList(name, limits.maxIssues);
  const progress = new Progress(options.onProgress);
  progress.set(0);
  const profile = await validateAndProfile(localPath, name, limits, options, issues, progress);
  if (!profile || issues.any) return { ok: false, issues: issues.items };
  progress.set(1);
  return { ok: true, profile };
}

async function validateAndProfile(
  localPath: string,
  name: string,
  limits: ProfileLimits,
  options: ProfileOptions,
  issues: IssueList,
  progress: Progress,
): Promise<FileProfile | null> {
  const info = await stat(localPath);
  if (!info.isFile()) {
    issues.add('UNSUPPORTED_FORMAT', `${name} is not a regular file; upload the file itself`);
    return null;
  }
  if (info.size === 0) {
    issues.add('EMPTY_FILE', `${name} is empty (0 bytes); upload a file with content`);
    return null;
  }
  if (info.size > limits.maxFileBytes) {
    issues.add(
      'FILE_TOO_LARGE',
      `${name} is ${info.size} bytes, more than the ${limits.maxFileBytes} bytes one file may hold; split it into several files`,
    );
    return null;
  }
  const detection = await detect(localPath, name);
  if (detection.empty) {
    issues.add('EMPTY_FILE', `${name} holds only whitespace; upload a file with content`);
    return null;
  }
  if (!checkExtension(name, detection, issues)) return null;
  const format = detection.format!;
  checkAborted(options.signal);

  switch (format) {
    case 'CSV':
    case 'TSV':
    case 'JSONL':
    case 'PARQUET': {
      const input = { localPath, name, format, limits, options, issues, progress: progress.slice(0, 1) };
      return profileTabular(detection.delimiter !== undefined ? { ...input, delimiter: detection.delimiter } : input);
    }
    case 'NPY':
      return profileNpy({
        localPath,
        name,
        previewRows: limits.previewRows,
        issues,
        progress: progress.slice(0, 1),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    case 'TEXT':
      return profileText({
        localPath,
        name,
        previewRows: limits.previewRows,
        issues,
        progress: progress.slice(0, 1),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    case 'IMAGE_ARCHIVE':
      return profileImageArchive(localPath, name, detection, limits, options, issues, progress);
  }
}

/** The content decides the format; an extension naming another format is an issue. */
function checkExtension(name: string, detection: FormatDetection, issues: IssueList): boolean {
  const expected = extensionFormat(name);
  if (detection.format && (!expected || extensionAllows(expected.format, detection.format))) return true;
  if (expected && detection.format) {
    issues.add(
      'EXTENSION_MISMATCH',
      `${name} has the extension ${expected.extension} (${FORMAT_WORDS[expected.format]}) but its content is ${detection.content}; rename the file to match its content, or upload the file you meant`,
    );
    return false;
  }
  if (expected)
    issues.add(
      'EXTENSION_MISMATCH',
      `${name} has the extension ${expected.extension} (${FORMAT_WORDS[expected.format]}) but ${detection.reason}`,
    );
  else issues.add('UNSUPPORTED_FORMAT', `${name} cannot be used: ${detection.reason}`);
  return false;
}

async function profileImageArchive(
  localPath: string,
  name: string,
  detection: FormatDetection,
  limits: ProfileLimits,
  options: ProfileOptions,
  issues: IssueList,
  progress: Progress,
): Promise<FileProfile | null> {
  const collector = new ImageArchiveCollector(name, limits, issues);
  const onProgress = progress.slice(0, 0.9);
  try {
    if (detection.archive === 'zip') await scanZip(localPath, collector, onProgress, options.signal);
    else await scanTar(localPath, detection.archive === 'tar.gz', collector, onProgress, options.signal);
  } catch (err) {
    if (err instanceof ArchiveStop) return null;
    checkAborted(options.signal);
    const detail = err instanceof Error ? err.message : String(err);
    issues.add(
      'UNSUPPORTED_FORMAT',
      `${name} could not be read as ${detection.content} (${detail}); create the archive again and upload it`,
    );
    return null;
  }
  const profile = await collector.finish(limits.previewRows);
  progress.set(1);
  return profile;
}
