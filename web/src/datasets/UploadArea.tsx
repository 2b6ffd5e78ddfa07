import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { useClient } from 'urql';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { Field } from '../shell/Field';
import { formatBytes, percent } from './format';
import {
  abortUpload,
  completeUpload,
  rememberedUpload,
  rememberUpload,
  resumeKey,
  resumeUpload,
  sendParts,
  startUpload,
  uploadPathOf,
  type UploadPlan,
} from './multipart-upload';
import { UploadValidation } from './UploadValidation';

/** Where the upload of the chosen files stands. */
type UploadPhase =
  | { step: 'choosing' }
  | { step: 'preparing' }
  | {
      step: 'sending';
      uploadId: string;
      sentBytes: number;
      totalBytes: number;
      sentParts: number;
      totalParts: number;
      resumedParts: number;
    }
  | { step: 'completing'; uploadId: string }
  | { step: 'validating'; uploadId: string }
  | { step: 'aborting' }
  | { step: 'aborted' };

const UPLOAD_PARAM = 'upload';

/** The upload whose outcome the page shows (`?upload=<id>`), so a reload still shows its report. */
function uploadInLocation(): string | null {
  return new URLSearchParams(window.location.search).get(UPLOAD_PARAM);
}

function showUploadInLocation(uploadId: string | null) {
  const url = new URL(window.location.href);
  if (uploadId) url.searchParams.set(UPLOAD_PARAM, uploadId);
  else url.searchParams.delete(UPLOAD_PARAM);
  window.history.replaceState(window.history.state, '', url);
}

function FileList({ files }: { files: readonly File[] }) {
  return (
    <ul className="upload-files" aria-label="Chosen files">
      {files.map((file) => (
        <li key={`${uploadPathOf(file)}:${file.size}`}>
          <code>{uploadPathOf(file)}</code> <span className="hint">{formatBytes(file.size)}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Uploads files as a new version: drop or pick files, then their parts go straight to storage,
 * four at a time, with a progress bar; then validation is followed until the version is READY
 * (the page moves to it) or INVALID (the report shows why). The same files dropped again resume
 * an upload that was interrupted.
 */
export function UploadArea({
  datasetId,
  onVersionReady,
  onFinished,
}: {
  datasetId: string;
  onVersionReady: (versionId: string) => void;
  onFinished: () => void;
}) {
  const client = useClient();
  const [files, setFiles] = useState<File[]>([]);
  const [labelColumn, setLabelColumn] = useState('');
  const [description, setDescription] = useState('');
  const [dragging, setDragging] = useState(false);
  const [phase, setPhase] = useState<UploadPhase>(() => {
    const uploadId = uploadInLocation();
    return uploadId ? { step: 'validating', uploadId } : { step: 'choosing' };
  });
  const [resumeNote, setResumeNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const sending = useRef<{ controller: AbortController; uploadId: string | null; key: string } | null>(null);

  // Leaving the page stops the transfer; the upload stays resumable by dropping the files again.
  useEffect(() => () => sending.current?.controller.abort(new Error('The page was left.')), []);

  const busy = phase.step === 'preparing' || phase.step === 'sending' || phase.step === 'completing';

  function choose(chosen: FileList | null) {
    if (busy || !chosen || chosen.length === 0) return;
    const list = [...chosen];
    const empty = list.find((file) => file.size === 0);
    setError(empty ? `"${uploadPathOf(empty)}" is empty; choose files with content.` : null);
    setFiles(list);
    setResumeNote(null);
    showUploadInLocation(null);
    setPhase({ step: 'choosing' });
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files);
  }

  async function upload(event: FormEvent) {
    event.preventDefault();
    if (files.length === 0) {
      setError('Choose or drop at least one file first.');
      return;
    }
    setError(null);
    setResumeNote(null);
    const key = resumeKey(datasetId, files);
    const controller = new AbortController();
    const current: { controller: AbortController; uploadId: string | null; key: string } = {
      controller,
      uploadId: null,
      key,
    };
    sending.current = current;
    setPhase({ step: 'preparing' });
    try {
      let plan: UploadPlan | null = null;
      let initialUrls: Map<string, string> | undefined;
      const earlier = rememberedUpload(key);
      if (earlier) {
        plan = await resumeUpload(client, earlier, files);
        if (plan) {
          setResumeNote(`Resuming: ${plan.resumedParts} of ${plan.totalParts} parts already sent.`);
        } else {
          rememberUpload(key, null);
        }
      }
      if (!plan) {
        const started = await startUpload(client, datasetId, files, {
          labelColumn: labelColumn.trim() || undefined,
          description: description.trim() || undefined,
        });
        plan = started;
        initialUrls = started.partUrls;
        rememberUpload(key, plan.uploadId);
      }
      current.uploadId = plan.uploadId;
      if (controller.signal.aborted) return;

      let sentBytes = plan.resumedBytes;
      let sentParts = plan.resumedParts;
      const { uploadId, totalBytes, totalParts, resumedParts } = plan;
      setPhase({ step: 'sending', uploadId, sentBytes, totalBytes, sentParts, totalParts, resumedParts });
      await sendParts(client, plan, {
        signal: controller.signal,
        initialUrls,
        onPartSent(task) {
          sentBytes += task.end - task.start;
          sentParts += 1;
          if (!controller.signal.aborted) {
            setPhase({ step: 'sending', uploadId, sentBytes, totalBytes, sentParts, totalParts, resumedParts });
          }
        },
      });

      if (controller.signal.aborted) return;
      setPhase({ step: 'completing', uploadId });
      const outcome = await completeUpload(client, uploadId);
      rememberUpload(key, null);
      sending.current = null;
      if (outcome.status === 'READY' && outcome.versionId) {
        onFinished();
        openVersion(outcome.versionId);
        return;
      }
      showUploadInLocation(uploadId);
      setPhase({ step: 'validating', uploadId });
    } catch (failure) {
      if (controller.signal.aborted) return;
      sending.current = null;
      const message = failure instanceof Error ? failure.message : String(failure);
      const resumable = rememberedUpload(key) !== null;
      setError(resumable ? `${message} Upload the same files again to resume from the parts already sent.` : message);
      setPhase({ step: 'choosing' });
    }
  }

  async function abort() {
    const current = sending.current;
    // Abort is offered only while parts are sent, so the upload has an id by then.
    if (!current?.uploadId) return;
    sending.current = null;
    current.controller.abort(new Error('Aborted by the user.'));
    setPhase({ step: 'aborting' });
    rememberUpload(current.key, null);
    try {
      await abortUpload(client, current.uploadId);
      setPhase({ step: 'aborted' });
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setPhase({ step: 'choosing' });
    }
    onFinished();
  }

  // The version page replaces this one; Back must not land on an upload that moves on again.
  function openVersion(versionId: string) {
    showUploadInLocation(null);
    onVersionReady(versionId);
  }

  return (
    <section className="upload-area" aria-labelledby="upload-title">
      <h3 id="upload-title">Upload a new version</h3>
      <form onSubmit={(event) => void upload(event)} aria-label="Upload files">
        <div
          className={dragging ? 'drop-zone dragging' : 'drop-zone'}
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <p>
            Drop files here (CSV, Parquet, JSON lines, or a zip of images in one folder per class), or{' '}
            <label className="file-picker">
              choose files
              <input
                type="file"
                multiple
                aria-label="Choose files"
                disabled={busy}
                onChange={(event) => {
                  choose(event.target.files);
                  event.target.value = '';
                }}
              />
            </label>
            .
          </p>
          {files.length > 0 && <FileList files={files} />}
        </div>
        <div className="inline-form">
          <Field
            label="Label column (optional)"
            hint="The column that holds the label; validation checks it exists."
            value={labelColumn}
            disabled={busy}
            onChange={(e) => setLabelColumn(e.target.value)}
          />
          <Field
            label="Version description (optional)"
            value={description}
            disabled={busy}
            onChange={(e) => setDescription(e.target.value)}
          />
          <button type="submit" disabled={busy || files.length === 0}>
            {files.length > 1 ? `Upload ${files.length} files` : 'Upload'}
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      {resumeNote && (
        <p className="notice" role="status" aria-label="Resume">
          {resumeNote}
        </p>
      )}
      {(phase.step === 'preparing' || phase.step === 'sending' || phase.step === 'completing') && (
        <div className="upload-progress">
          {phase.step === 'sending' ? (
            <>
              <progress aria-label="Upload progress" value={phase.sentBytes} max={phase.totalBytes} />
              <p role="status" aria-label="Bytes sent">
                {percent(phase.sentBytes, phase.totalBytes)} % · {formatBytes(phase.sentBytes)} of{' '}
                {formatBytes(phase.totalBytes)} sent · {phase.sentParts} of {phase.totalParts} parts
              </p>
            </>
          ) : (
            <>
              <progress aria-label="Upload progress" value={phase.step === 'completing' ? 1 : 0} max={1} />
              <p role="status" aria-label="Bytes sent">
                {phase.step === 'completing' ? '100 % sent · joining the parts…' : 'Preparing the upload…'}
              </p>
            </>
          )}
          <button type="button" className="danger" onClick={() => void abort()} disabled={phase.step !== 'sending'}>
            Abort upload
          </button>
        </div>
      )}
      {phase.step === 'aborting' && <p className="progress">Aborting the upload…</p>}
      {phase.step === 'aborted' && (
        <p className="notice" role="status">
          Upload aborted. What was sent has been removed.
        </p>
      )}
      {phase.step === 'validating' && (
        <UploadValidation uploadId={phase.uploadId} onVersionReady={openVersion} onFinished={onFinished} />
      )}
    </section>
  );
}
