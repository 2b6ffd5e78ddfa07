import { useState } from 'react';
import { useQuery } from 'urql';
import { useViewer, viewerCan } from '../auth/viewer';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { useApiMutation } from '../graphql/operations';
import { ShellLink } from '../shell/navigation';
import { ColumnCharts } from './ColumnCharts';
import { formatBytes, formatCount, formatTime } from './format';
import {
  DATASET_VERSION,
  DELETE_DATASET_VERSION,
  RESTORE_DATASET_VERSION,
  type DatasetVersionDetail,
} from './operations';
import { DATASETS_PATH, datasetPath } from './paths';
import { StatusBadge } from './StatusBadge';
import { FilesTable, ImagesSection, PreviewTable, SchemaTable } from './VersionSections';

function VersionSummary({ version }: { version: DatasetVersionDetail }) {
  return (
    <dl className="dataset-summary" aria-label="Version summary">
      <dt>Status</dt>
      <dd>
        <StatusBadge status={version.status} />
      </dd>
      <dt>Version</dt>
      <dd>{version.version}</dd>
      <dt>Format</dt>
      <dd>{version.format ?? '—'}</dd>
      <dt>Rows</dt>
      <dd>{formatCount(version.rowCount)}</dd>
      <dt>Size</dt>
      <dd>{formatBytes(version.sizeBytes)}</dd>
      <dt>Files</dt>
      <dd>
        {version.fileCount}
        {version.archiveUrl && (
          <>
            {' '}
            (<a href={version.archiveUrl}>download all as .tar</a>)
          </>
        )}
      </dd>
      <dt>Content hash</dt>
      <dd>
        <code className="content-hash">{version.contentHash ?? '—'}</code>
      </dd>
      {version.labelColumn && (
        <>
          <dt>Label column</dt>
          <dd>{version.labelColumn}</dd>
        </>
      )}
      {version.description && (
        <>
          <dt>Description</dt>
          <dd>{version.description}</dd>
        </>
      )}
      <dt>Created</dt>
      <dd>{formatTime(version.createdAt)}</dd>
      {version.deletedAt && (
        <>
          <dt>Deleted</dt>
          <dd>{formatTime(version.deletedAt)}</dd>
        </>
      )}
      <dt>Used by</dt>
      <dd>{version.usedBy.length === 0 ? 'nothing yet' : version.usedBy.join(', ')}</dd>
    </dl>
  );
}

function DeleteRestoreButtons({ version, onChanged }: { version: DatasetVersionDetail; onChanged: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = useApiMutation(DELETE_DATASET_VERSION);
  const restore = useApiMutation(RESTORE_DATASET_VERSION);

  async function run(action: typeof remove | typeof restore) {
    setError(null);
    const outcome = await action.run({ id: version.id });
    setConfirming(false);
    if (!outcome.ok) setError(outcome.message);
    else onChanged();
  }

  if (version.status === 'PURGED') return null;
  return (
    <div className="version-actions">
      <ErrorAlert error={error} />
      {version.status === 'DELETED' ? (
        <button type="button" onClick={() => void run(restore)} disabled={restore.fetching}>
          Restore version
        </button>
      ) : confirming ? (
        <span className="confirm">
          Delete version {version.version}? It can be restored until the retention period ends.{' '}
          <button type="button" className="danger" onClick={() => void run(remove)} disabled={remove.fetching}>
            Confirm deletion
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          Delete version
        </button>
      )}
    </div>
  );
}

/** A dataset version: summary, files, schema, charts, preview rows and, for image archives, thumbnails. */
export function DatasetVersionPage({ versionId }: { versionId: string }) {
  const viewer = useViewer();
  const [result, reexecute] = useQuery({
    query: DATASET_VERSION,
    variables: { id: versionId },
    requestPolicy: 'cache-and-network',
  });
  const version = result.data?.datasetVersion;
  const title = version ? `${version.dataset?.name ?? 'Dataset'} v${version.version}` : 'Dataset version';

  return (
    <section className="page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <ShellLink to={DATASETS_PATH}>Datasets</ShellLink> /{' '}
        {version && <ShellLink to={datasetPath(version.datasetId)}>{version.dataset?.name ?? 'dataset'}</ShellLink>}
      </p>
      <h2 id="page-title">{title}</h2>
      {result.error && !result.data && <ErrorAlert error={result.error} />}
      {!result.data && !result.error && <p className="progress">Loading the version…</p>}
      {result.data && !version && (
        <p className="notice">
          There is no dataset version <code>{versionId}</code> in this organization. Pick a dataset from the{' '}
          <ShellLink to={DATASETS_PATH}>list</ShellLink>.
        </p>
      )}
      {version && (
        <>
          <VersionSummary version={version} />
          {viewerCan(viewer, 'datasets:write') && (
            <DeleteRestoreButtons version={version} onChanged={() => reexecute({ requestPolicy: 'network-only' })} />
          )}
          <h3>Files</h3>
          <FilesTable files={version.files} />
          {version.stats.length > 0 && (
            <>
              <h3>Schema</h3>
              <SchemaTable columns={version.stats} />
              <h3>Statistics</h3>
              <ColumnCharts columns={version.stats} />
            </>
          )}
          {version.preview.columns.length > 0 && (
            <>
              <h3>Preview</h3>
              <PreviewTable preview={version.preview} />
            </>
          )}
          {version.images && <ImagesSection images={version.images} />}
          {version.splits.length > 0 && !version.images && (
            <>
              <h3>Splits</h3>
              <table className="data-table counts-table" aria-label="Splits">
                <thead>
                  <tr>
                    <th scope="col">Split</th>
                    <th scope="col">Files</th>
                    <th scope="col">Rows</th>
                  </tr>
                </thead>
                <tbody>
                  {version.splits.map((split) => (
                    <tr key={split.name}>
                      <th scope="row">{split.name}</th>
                      <td>{split.files.join(', ') || '—'}</td>
                      <td className="numeric">{formatCount(split.rows)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}
