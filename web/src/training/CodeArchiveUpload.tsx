import { useId, useRef, useState, type ChangeEvent, type ReactNode } from 'react';
import { authorizedFetch } from '../auth/authorized-fetch';
import { formatBytes } from '../shell/format';
import { packFolder, SKIPPED_FOLDERS } from './tar-pack';

/** Where the training subgraph takes code archives (a `.tar.gz` body, answering `{ archiveId }`). */
const CODE_ARCHIVES_URL = '/api/training/code-archives';

interface ErrorBody {
  error?: { message?: string };
  errors?: { message?: string }[];
}

/** Sends a .tar.gz as the job's code archive; answers its id, or throws what the API said. */
async function uploadArchive(archive: Blob): Promise<string> {
  const response = await authorizedFetch(CODE_ARCHIVES_URL, {
    method: 'PUT',
    headers: { 'content-type': 'application/gzip' },
    body: archive,
  });
  const body = (await response.json().catch(() => null)) as (ErrorBody & { archiveId?: string }) | null;
  if (response.ok && body?.archiveId) return body.archiveId;
  const message = body?.error?.message ?? body?.errors?.[0]?.message;
  throw new Error(message ?? `The upload failed (HTTP ${response.status}). Try again.`);
}

const SKIPPED_LIST = SKIPPED_FOLDERS.map((folder) => `${folder}/`).join(', ');

type Upload =
  | { phase: 'idle' }
  | { phase: 'busy'; doing: string }
  | { phase: 'done'; what: ReactNode }
  | { phase: 'failed'; problem: string };

/** What the code field says: what it is doing, what it uploaded, or what it is for. */
function statusOf(upload: Upload, archiveId: string): ReactNode {
  if (upload.phase === 'busy') return upload.doing;
  if (upload.phase === 'done' && archiveId) return upload.what;
  // The field was shown again (e.g. after switching between Form and YAML) with an archive already chosen.
  if (archiveId) {
    return (
      <>
        Code uploaded as <code>{archiveId}</code>; it becomes the job&apos;s working directory.
      </>
    );
  }
  return (
    <>
      Optional. Choose the project&apos;s folder (the browser packs it, leaving out {SKIPPED_LIST}) or a .tar.gz of it;
      it becomes the job&apos;s working directory. Without code, containers run what their image holds and a local job
      starts in an empty directory (e.g. <code>node -e …</code>).
    </>
  );
}

/**
 * The job's code: a .tar.gz, or a folder the browser packs as one (leaving out SKIPPED_FOLDERS),
 * uploaded and extracted as the working directory. Without it, containers run the code already in
 * their image and local jobs start in an empty directory.
 */
export function CodeArchiveUpload({ archiveId, onChange }: { archiveId: string; onChange: (id: string) => void }) {
  const archiveInputId = useId();
  const folderInputId = useId();
  const archiveInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  // Only the latest pick may set the archive: an earlier upload can finish after it.
  const latestPick = useRef(0);
  const [upload, setUpload] = useState<Upload>({ phase: 'idle' });

  async function use(
    other: HTMLInputElement | null,
    work: (report: (doing: string) => void) => Promise<{ id: string; what: ReactNode }>,
  ) {
    const pick = ++latestPick.current;
    if (other) other.value = '';
    onChange('');
    try {
      const { id, what } = await work((doing) => {
        if (pick === latestPick.current) setUpload({ phase: 'busy', doing });
      });
      if (pick !== latestPick.current) return;
      onChange(id);
      setUpload({ phase: 'done', what });
    } catch (error) {
      if (pick === latestPick.current) setUpload({ phase: 'failed', problem: (error as Error).message });
    }
  }

  function pickArchive(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) {
      latestPick.current += 1;
      onChange('');
      return setUpload({ phase: 'idle' });
    }
    void use(folderInput.current, async (report) => {
      report(`Uploading ${file.name}…`);
      const id = await uploadArchive(file);
      const what = (
        <>
          {file.name} uploaded as <code>{id}</code>; it becomes the job&apos;s working directory.
        </>
      );
      return { id, what };
    });
  }

  function pickFolder(event: ChangeEvent<HTMLInputElement>) {
    const files = [...(event.target.files ?? [])];
    void use(archiveInput.current, async (report) => {
      report('Packing the folder…');
      const packed = await packFolder(files);
      report(`Uploading ${packed.folder} (${formatBytes(packed.archive.size)} gzipped)…`);
      const id = await uploadArchive(packed.archive);
      const skipped = packed.skippedCount > 0 ? ` (${packed.skippedCount} under ${SKIPPED_LIST} left out)` : '';
      const what = (
        <>
          Packed {packed.fileCount} {packed.fileCount === 1 ? 'file' : 'files'} of {packed.folder}
          {skipped}, {formatBytes(packed.contentBytes)} ({formatBytes(packed.archive.size)} gzipped), uploaded as{' '}
          <code>{id}</code>; it becomes the job&apos;s working directory.
        </>
      );
      return { id, what };
    });
  }

  return (
    <fieldset className="field code-upload">
      <legend>Code</legend>
      <div className="code-choices">
        <div>
          <label htmlFor={folderInputId}>Code folder</label>
          <input
            id={folderInputId}
            ref={(input) => {
              if (input) input.webkitdirectory = true;
              folderInput.current = input;
            }}
            type="file"
            onChange={pickFolder}
          />
        </div>
        <div>
          <label htmlFor={archiveInputId}>Code archive (.tar.gz)</label>
          <input
            id={archiveInputId}
            ref={archiveInput}
            type="file"
            accept=".tar.gz,.tgz,application/gzip"
            onChange={pickArchive}
          />
        </div>
      </div>
      <p className="hint" role="status">
        {statusOf(upload, archiveId)}
      </p>
      {upload.phase === 'failed' && (
        <div className="alert" role="alert">
          {upload.problem}
        </div>
      )}
    </fieldset>
  );
}
