import type { ApiClient } from '../api-client.js';
import { ApiError, UsageError } from '../errors.js';
import {
  DATASET_FIELDS,
  UPLOAD_FIELDS,
  getUpload,
  lookUpDataset,
  versionDetail,
  type Dataset,
  type DatasetUpload,
  type UploadSessionFile,
  type VersionDetail,
} from './api.js';
import { formatBytes, formatTime, plural } from './format.js';
import { selectFiles, sha256File, type LocalFile } from './local-files.js';
import { ByteProgress, StepProgress } from './progress.js';
import { ResumeStore, sameFiles, type ResumeState } from './resume.js';
import { sendMissingParts } from './part-sender.js';
import { InterruptedError } from './transfer.js';
import { followUpload, isFinal } from './upload-events.js';

/** What `aitip datasets upload` was asked to do. */
export interface UploadRequest {
  path: string;
  dataset: string;
  create: boolean;
  labelColumn: string | undefined;
  description: string | undefined;
  concurrency: number;
  restart: boolean;
  /** Test hook: stop as if interrupted once this many parts are sent. */
  stopAfterParts: number | undefined;
}

/** How an upload ended. */
export interface UploadOutcome {
  dataset: Pick<Dataset, 'id' | 'name'>;
  upload: DatasetUpload;
  version: VersionDetail | null;
  resumed: boolean;
  partsSent: number;
  partsAlreadyUploaded: number;
}

type SessionFile = UploadSessionFile & { uploadedParts?: Array<{ partNumber: number; size: number }> };
type Session = DatasetUpload & { files: SessionFile[] };

/** A local file with its sha256, as declared to the upload. */
type HashedFile = LocalFile & { sha256: string };

const CREATE_DATASET = `mutation CreateDataset($input: CreateDatasetInput!) { createDataset(input: $input) { ${DATASET_FIELDS} } }`;
const START_UPLOAD = `mutation StartDatasetUpload($input: StartDatasetUploadInput!) {
  startDatasetUpload(input: $input) { ${UPLOAD_FIELDS} files { path size partSize partCount } }
}`;
const UPLOAD_WITH_PARTS = `query DatasetUploadParts($id: ID!) {
  datasetUpload(id: $id) { ${UPLOAD_FIELDS} files { path size partSize partCount uploadedParts { partNumber size } } }
}`;
const COMPLETE_UPLOAD = `mutation CompleteDatasetUpload($input: CompleteDatasetUploadInput!) {
  completeDatasetUpload(input: $input) { ${UPLOAD_FIELDS} }
}`;
/** How long completion may take: the storage joins every part of every file before it answers. */
const COMPLETE_TIMEOUT_MS = 15 * 60_000;
const ABORT_UPLOAD = `mutation AbortDatasetUpload($id: ID!) { abortDatasetUpload(id: $id) { id status } }`;

/**
 * Uploads a file or a directory as a new version of a dataset: hashes the files, starts an upload
 * session (or resumes the interrupted one recorded for this path and dataset), sends the missing
 * parts in parallel straight to storage, completes the session and follows its validation.
 */
export class DatasetUploader {
  constructor(
    private readonly client: ApiClient,
    private readonly resumes: ResumeStore,
    private readonly note: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  async upload(request: UploadRequest, signal: AbortSignal): Promise<UploadOutcome> {
    const selection = await selectFiles(request.path);
    for (const skipped of selection.skipped) this.note(`Skipping ${skipped}.`);
    const dataset = await this.datasetFor(request);
    const orgId = this.client.signedIn().organization?.id ?? '';
    const resumeFile = this.resumes.pathFor(this.client.url, orgId, selection.root, dataset.id);
    const labelColumn = request.labelColumn?.trim() || null;

    let session = request.restart ? undefined : await this.resumable(resumeFile, selection.files, labelColumn);
    const resumed = session !== undefined;
    if (request.restart) await this.forget(resumeFile, 'you asked for --restart');
    let files: HashedFile[];
    if (session) {
      const stored = new Map(this.resumes.read(resumeFile)!.files.map((f) => [f.path, f.sha256]));
      files = selection.files.map((f) => ({ ...f, sha256: stored.get(f.path)! }));
    } else {
      files = await this.hash(selection.files, signal);
      session = await this.start(dataset, files, labelColumn, request.description);
      this.resumes.write(resumeFile, {
        version: 1,
        url: this.client.url,
        orgId,
        datasetId: dataset.id,
        datasetName: dataset.name,
        root: selection.root,
        uploadId: session.id,
        labelColumn,
        files: files.map((f) => ({
          path: f.path,
          absolutePath: f.absolutePath,
          size: f.size,
          mtimeMs: f.mtimeMs,
          sha256: f.sha256,
        })),
        startedAt: new Date().toISOString(),
      });
    }

    let partsSent = 0;
    let partsAlreadyUploaded = 0;
    let upload: DatasetUpload = session;
    if (session.status === 'UPLOADING') {
      ({ partsSent, partsAlreadyUploaded } = await sendMissingParts(
        this.client,
        session,
        new Map(files.map((f) => [f.path, f.absolutePath])),
        request,
        signal,
      ));
      upload = (
        await this.client.request<{ completeDatasetUpload: DatasetUpload }>(
          COMPLETE_UPLOAD,
          { input: { uploadId: session.id, files: files.map((f) => ({ path: f.path, sha256: f.sha256 })) } },
          // joining the parts of large files takes seconds per GiB on the local store
          COMPLETE_TIMEOUT_MS,
        )
      ).completeDatasetUpload;
    }
    if (!isFinal(upload.status)) {
      const step = new StepProgress('Validating');
      try {
        upload = await followUpload(
          this.client,
          session.id,
          (e) => {
            // the stream replays from the start of the upload: the sending steps are done already
            if (e.status !== 'UPLOADING') step.update(e.progress, e.message);
          },
          signal,
        );
      } catch (err) {
        if (err instanceof InterruptedError) {
          throw new InterruptedError(
            `Interrupted while upload ${session.id} is being validated; the platform carries on. ` +
              'Run the same command again to see the result.',
          );
        }
        throw err;
      } finally {
        step.finish();
      }
    }
    this.resumes.remove(resumeFile);
    const version =
      upload.status === 'READY' && upload.versionId ? await versionDetail(this.client, upload.versionId) : null;
    return {
      dataset: { id: dataset.id, name: dataset.name },
      upload,
      version,
      resumed,
      partsSent,
      partsAlreadyUploaded,
    };
  }

  private async datasetFor(request: UploadRequest): Promise<Dataset> {
    const found = await lookUpDataset(this.client, request.dataset);
    if (found) {
      if (found.deletedAt) {
        throw new UsageError(
          `Dataset ${found.name} is deleted. Restore it with \`aitip datasets restore ${found.id}\` first.`,
        );
      }
      return found;
    }
    if (!request.create) {
      throw new UsageError(
        `There is no dataset "${request.dataset}" in this organization. Add --create to create it, ` +
          `or see your datasets with \`aitip datasets list\`.`,
      );
    }
    const { createDataset } = await this.client.request<{ createDataset: Dataset }>(CREATE_DATASET, {
      input: { name: request.dataset },
    });
    this.note(`Created dataset ${createDataset.name}.`);
    return createDataset;
  }

  /** The interrupted upload recorded for this path and dataset, if it can still be finished. */
  private async resumable(
    resumeFile: string,
    files: readonly LocalFile[],
    labelColumn: string | null,
  ): Promise<Session | undefined> {
    const state = this.resumes.read(resumeFile);
    if (!state) return undefined;
    if (!sameFiles(state, files)) return this.forget(resumeFile, 'the files changed since', state);
    if (state.labelColumn !== labelColumn) return this.forget(resumeFile, 'the label column differs', state);
    const { datasetUpload: session } = await this.client
      .request<{ datasetUpload: Session }>(UPLOAD_WITH_PARTS, { id: state.uploadId })
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'NOT_FOUND') return { datasetUpload: undefined };
        throw err;
      });
    if (!session) return this.forget(resumeFile, 'the platform no longer knows it');
    if (session.status === 'ABORTED' || session.status === 'EXPIRED') {
      return this.forget(resumeFile, `it is ${session.status.toLowerCase()}`);
    }
    if (session.status === 'UPLOADING' && Date.parse(session.expiresAt) <= Date.now()) {
      return this.forget(resumeFile, `it expired at ${formatTime(session.expiresAt)}`, state);
    }
    const have = session.files.reduce((n, f) => n + (f.uploadedParts?.length ?? 0), 0);
    const all = session.files.reduce((n, f) => n + f.partCount, 0);
    this.note(
      session.status === 'UPLOADING'
        ? `Resuming upload ${session.id}: ${have} of ${plural(all, 'part')} already uploaded.`
        : `Upload ${session.id} of this path was sent already; it is ${session.status.toLowerCase()}.`,
    );
    return session;
  }

  /** Drops a recorded upload that cannot be resumed, aborting it (best effort) so it stops counting against the quota. */
  private async forget(resumeFile: string, why: string, state?: ResumeState | null): Promise<undefined> {
    const recorded = state ?? this.resumes.read(resumeFile);
    if (!recorded) return undefined;
    this.note(`Not resuming upload ${recorded.uploadId}: ${why}. Starting a new upload.`);
    const upload = await getUpload(this.client, recorded.uploadId).catch(() => null);
    if (upload?.status === 'UPLOADING') {
      await this.client.request(ABORT_UPLOAD, { id: recorded.uploadId }).catch(() => undefined);
    }
    this.resumes.remove(resumeFile);
    return undefined;
  }

  private async hash(files: readonly LocalFile[], signal: AbortSignal): Promise<HashedFile[]> {
    const total = files.reduce((n, f) => n + f.size, 0);
    const bar = new ByteProgress('Hashing', total);
    const hashed: HashedFile[] = [];
    try {
      for (const file of files) {
        hashed.push({ ...file, sha256: await sha256File(file.absolutePath, (n) => bar.add(n), signal) });
      }
    } catch (err) {
      bar.stop();
      if (signal.aborted) throw new InterruptedError('Interrupted while hashing the files; nothing was uploaded.');
      throw err;
    }
    bar.finish();
    return hashed;
  }

  private async start(
    dataset: Dataset,
    files: readonly HashedFile[],
    labelColumn: string | null,
    description: string | undefined,
  ): Promise<Session> {
    const input = {
      datasetId: dataset.id,
      files: files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
      labelColumn,
      description: description ?? null,
    };
    const { startDatasetUpload } = await this.client.request<{ startDatasetUpload: Session }>(START_UPLOAD, { input });
    const total = files.reduce((n, f) => n + f.size, 0);
    this.note(
      `Uploading ${plural(files.length, 'file')} (${formatBytes(total)}) to dataset ${dataset.name} ` +
        `as upload ${startDatasetUpload.id}.`,
    );
    return startDatasetUpload;
  }
}
