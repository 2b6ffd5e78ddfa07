import { useQuery } from 'urql';
import { useViewer, viewerCan } from '../auth/viewer';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { ShellLink } from '../shell/navigation';
import { ColumnCharts } from './ColumnCharts';
import { DeleteRestore } from './DeleteRestore';
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
          {viewerCan(viewer, 'datasets:write') && version.status !== 'PURGED' && (
            <DeleteRestore
              id={version.id}
              label={`version ${version.version}`}
              deleted={version.status === 'DELETED'}
              deleteDocument={DELETE_DATASET_VERSION}
              restoreDocument={RESTORE_DATASET_VERSION}
              onChanged={() => reexecute({ requestPolicy: 'network-only' })}
            />
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
