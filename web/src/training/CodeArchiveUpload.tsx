import { useId, useState, type ChangeEvent } from 'react';
import { authorizedFetch } from '../auth/authorized-fetch';

/** Where the training subgraph takes code archives (a `.tar.gz` body, answering `{ archiveId }`). */
const CODE_ARCHIVES_URL = '/api/training/code-archives';

interface ErrorBody {
  error?: { message?: string };
  errors?: { message?: string }[];
}

/** Sends a .tar.gz as the job's code archive; answers its id, or throws what the API said. */
async function uploadArchive(file: File): Promise<string> {
  const response = await authorizedFetch(CODE_ARCHIVES_URL, {
    method: 'PUT',
    headers: { 'content-type': 'application/gzip' },
    body: file,
  });
  const body = (await response.json().catch(() => null)) as (ErrorBody & { archiveId?: string }) | null;
  if (response.ok && body?.archiveId) return body.archiveId;
  const message = body?.error?.message ?? body?.errors?.[0]?.message;
  throw new Error(message ?? `The upload failed (HTTP ${response.status}). Try again.`);
}

/**
 * A .tar.gz upload for the job's code: the archive is extracted as the working directory. Without
 * one, containers run the code already in their image and local jobs start in an empty directory.
 */
export function CodeArchiveUpload({ archiveId, onChange }: { archiveId: string; onChange: (id: string) => void }) {
  const id = useId();
  const [state, setState] = useState<{ uploading: boolean; fileName: string; problem: string | null }>({
    uploading: false,
    fileName: '',
    problem: null,
  });

  async function pick(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    onChange('');
    if (!file) return setState({ uploading: false, fileName: '', problem: null });
    setState({ uploading: true, fileName: file.name, problem: null });
    try {
      onChange(await uploadArchive(file));
      setState({ uploading: false, fileName: file.name, problem: null });
    } catch (error) {
      setState({ uploading: false, fileName: file.name, problem: (error as Error).message });
    }
  }

  return (
    <div className="field">
      <label htmlFor={id}>Code archive (.tar.gz)</label>
      <input id={id} type="file" accept=".tar.gz,.tgz,application/gzip" onChange={(event) => void pick(event)} />
      <p className="hint" role="status">
        {state.uploading && `Uploading ${state.fileName}…`}
        {!state.uploading && archiveId && (
          <>
            {state.fileName} uploaded as <code>{archiveId}</code>; it becomes the job&apos;s working directory.
          </>
        )}
        {!state.uploading &&
          !archiveId &&
          !state.problem &&
          'Optional. Without it, containers run the code already in their image and a local job starts in an empty directory (e.g. node -e …). Make one with tar -czf code.tar.gz -C my-project .'}
      </p>
      {state.problem && (
        <div className="alert" role="alert">
          {state.problem}
        </div>
      )}
    </div>
  );
}
