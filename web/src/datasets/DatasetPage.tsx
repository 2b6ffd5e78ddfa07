import { useCallback } from 'react';
import { useQuery } from 'urql';
import { useViewer, viewerCan } from '../auth/viewer';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { navigate, ShellLink } from '../shell/navigation';
import { formatBytes, formatCount, formatTime } from './format';
import { DATASET, DELETE_DATASET, RESTORE_DATASET, type DatasetVersionSummary } from './operations';
import { DeleteRestore } from './DeleteRestore';
import { DATASETS_PATH, datasetVersionPath } from './paths';
import { ValidationReport } from './ValidationReport';
import { StatusBadge } from './StatusBadge';
import { UploadArea } from './UploadArea';

function VersionsTable({ versions }: { versions: readonly DatasetVersionSummary[] }) {
  if (versions.length === 0) return <p>No versions yet: upload files below to make the first one.</p>;
  return (
    <table className="data-table" aria-label="Versions">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Status</th>
          <th scope="col">Format</th>
          <th scope="col">Rows</th>
          <th scope="col">Files</th>
          <th scope="col">Size</th>
          <th scope="col">Created</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((version) => (
          <tr key={version.id} className={version.deletedAt ? 'revoked' : undefined}>
            <th scope="row">
              <ShellLink to={datasetVersionPath(version.id)}>v{version.version}</ShellLink>
            </th>
            <td>
              <StatusBadge status={version.status} />
            </td>
            <td>{version.format ?? '—'}</td>
            <td className="numeric">{formatCount(version.rowCount)}</td>
            <td className="numeric">{version.fileCount}</td>
            <td className="numeric">{formatBytes(version.sizeBytes)}</td>
            <td>{formatTime(version.createdAt)}</td>
            <td>{version.description ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A dataset: what it is, its versions, and the upload of a new version. */
export function DatasetPage({ datasetId }: { datasetId: string }) {
  const viewer = useViewer();
  const [result, reexecute] = useQuery({
    query: DATASET,
    variables: { id: datasetId },
    requestPolicy: 'cache-and-network',
  });
  const refresh = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  const openVersion = useCallback((versionId: string) => navigate(datasetVersionPath(versionId)), []);

  const dataset = result.data?.dataset;
  return (
    <section className="page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <ShellLink to={DATASETS_PATH}>Datasets</ShellLink> /
      </p>
      <h2 id="page-title">{dataset?.name ?? 'Dataset'}</h2>
      {result.error && !result.data && <ErrorAlert error={result.error} />}
      {!result.data && !result.error && <p className="progress">Loading the dataset…</p>}
      {result.data && !dataset && (
        <p className="notice">
          There is no dataset <code>{datasetId}</code> in this organization. Pick one from the{' '}
          <ShellLink to={DATASETS_PATH}>list</ShellLink>.
        </p>
      )}
      {dataset && (
        <>
          <dl className="dataset-summary">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={dataset.deletedAt ? 'DELETED' : dataset.status} />
            </dd>
            <dt>Description</dt>
            <dd>{dataset.description || '—'}</dd>
            <dt>Tags</dt>
            <dd>
              {dataset.tags.length === 0
                ? '—'
                : dataset.tags.map((tag) => (
                    <span key={tag} className="dataset-tag">
                      {tag}
                    </span>
                  ))}
            </dd>
            <dt>Format</dt>
            <dd>{dataset.format ?? '—'}</dd>
            <dt>Updated</dt>
            <dd>{formatTime(dataset.updatedAt)}</dd>
          </dl>
          {viewerCan(viewer, 'datasets:write') && (
            <DeleteRestore
              id={dataset.id}
              label={`dataset ${dataset.name} and its versions`}
              deleted={dataset.deletedAt !== null}
              deleteDocument={DELETE_DATASET}
              restoreDocument={RESTORE_DATASET}
              onChanged={refresh}
            />
          )}
          <h3>Versions</h3>
          <VersionsTable versions={dataset.versions} />
          {dataset.status === 'INVALID' &&
            dataset.latestUpload?.status === 'INVALID' &&
            // the upload area already shows the report of the upload named in the address
            new URLSearchParams(window.location.search).get('upload') !== dataset.latestUpload.id && (
              <ValidationReport issues={dataset.latestUpload.issues} />
            )}
          {viewerCan(viewer, 'datasets:write') && !dataset.deletedAt && (
            <UploadArea datasetId={dataset.id} onVersionReady={openVersion} onFinished={refresh} />
          )}
        </>
      )}
    </section>
  );
}
