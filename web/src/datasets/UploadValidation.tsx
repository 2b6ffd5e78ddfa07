import { useEffect, useRef } from 'react';
import { StatusBadge } from './StatusBadge';
import { useUploadProgress } from './useUploadProgress';
import { ValidationReport } from './ValidationReport';

/** An upload being validated: its progress live, then the version (READY) or the report (INVALID). */
export function UploadValidation({
  uploadId,
  onVersionReady,
  onFinished,
}: {
  uploadId: string;
  onVersionReady: (versionId: string) => void;
  onFinished: () => void;
}) {
  const progress = useUploadProgress(uploadId);
  const { status, versionId } = progress;

  // Each ending is acted on once, however often the page hands in new callbacks.
  const handled = useRef<string | null>(null);
  useEffect(() => {
    if ((status !== 'READY' && status !== 'INVALID') || handled.current === status) return;
    handled.current = status;
    onFinished();
    if (status === 'READY' && versionId) onVersionReady(versionId);
  }, [status, versionId, onFinished, onVersionReady]);

  if (status === 'INVALID') return <ValidationReport issues={progress.issues} />;
  if (status === 'ABORTED' || status === 'EXPIRED') {
    return (
      <p className="notice" role="status">
        This upload was {status.toLowerCase()}; nothing was kept. Upload the files again.
      </p>
    );
  }
  const shown = Math.round(progress.progress * 100);
  return (
    <div className="upload-progress">
      <progress aria-label="Validation progress" value={progress.progress} max={1} />
      <p role="status" aria-label="Validation">
        <StatusBadge status={status ?? 'VALIDATING'} /> Validating: {shown} %
        {progress.message && ` · ${progress.message}`}
      </p>
      {progress.problem && <p className="hint">{progress.problem}</p>}
    </div>
  );
}
