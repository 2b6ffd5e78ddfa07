import { UsageError } from '../errors.js';
import { print, printJson } from '../commands/context.js';
import { explainDatasetError } from './api.js';
import { plural } from './format.js';
import { issueLine, versionLine } from './show.js';
import { InterruptedError } from './transfer.js';
import type { UploadOutcome } from './uploader.js';

/** Prints how an upload ended; an INVALID upload's issues go to stderr and the command fails. */
export function reportUpload(outcome: UploadOutcome, json: boolean): void {
  const { upload, version, dataset } = outcome;
  if (json) {
    printJson({
      dataset,
      uploadId: upload.id,
      status: upload.status,
      deduplicated: upload.deduplicated,
      resumed: outcome.resumed,
      partsSent: outcome.partsSent,
      partsAlreadyUploaded: outcome.partsAlreadyUploaded,
      version,
      issues: upload.issues,
    });
  } else if (upload.status === 'READY' && version) {
    print(
      upload.deduplicated
        ? `The same content is already version ${version.version} of ${dataset.name}: nothing new was stored.`
        : `Version ${version.version} of ${dataset.name} is ready: ${versionLine(version)}.`,
    );
  }
  if (upload.status === 'READY') return;
  if (upload.status === 'INVALID') {
    if (!json) {
      process.stderr.write(`Upload ${upload.id} is invalid; no version was made:\n`);
      for (const issue of upload.issues) process.stderr.write(`  ${issueLine(issue)}\n`);
    }
    throw new UsageError(
      `The files were refused (${plural(upload.issues.length, 'problem')}). Fix them and upload again.`,
    );
  }
  throw new UsageError(
    `Upload ${upload.id} ended ${upload.status.toLowerCase()}; run the command again to upload anew.`,
  );
}

/**
 * Runs long work that Ctrl-C interrupts cleanly: the first Ctrl-C stops it (what was sent stays, for
 * a resume), a second one exits at once. Answers undefined after an interruption (exit code 130).
 */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new InterruptedError('Interrupted.'));
  };
  process.on('SIGINT', onInterrupt);
  try {
    return await work(controller.signal);
  } catch (err) {
    if (err instanceof InterruptedError) {
      process.stderr.write(`aitip: ${err.message}\n`);
      process.exitCode = 130;
      return undefined;
    }
    throw explainDatasetError(err);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
