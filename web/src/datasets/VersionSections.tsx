import { formatBytes, formatCount, formatStatistic } from './format';
import type { ColumnStats, DatasetFile, DatasetImages, DatasetVersionDetail } from './operations';

/** The version's files with their detected format and a download link each. */
export function FilesTable({ files }: { files: readonly DatasetFile[] }) {
  return (
    <table className="data-table" aria-label="Files">
      <thead>
        <tr>
          <th scope="col">Path</th>
          <th scope="col">Format</th>
          <th scope="col">Split</th>
          <th scope="col">Rows</th>
          <th scope="col">Size</th>
          <th scope="col">sha256</th>
          <th scope="col">Download</th>
        </tr>
      </thead>
      <tbody>
        {files.map((file) => (
          <tr key={file.path}>
            <th scope="row">
              <code>{file.path}</code>
            </th>
            <td>{file.format ?? '—'}</td>
            <td>{file.split ?? '—'}</td>
            <td className="numeric">{formatCount(file.rowCount)}</td>
            <td className="numeric">{formatBytes(file.sizeBytes)}</td>
            <td>
              <code className="audit-id" title={file.sha256}>
                {file.sha256.slice(0, 16)}…
              </code>
            </td>
            <td>
              {file.downloadUrl ? (
                <a href={file.downloadUrl} download aria-label={`Download ${file.path}`}>
                  Download
                </a>
              ) : (
                '—'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Columns with their type and statistics. */
export function SchemaTable({ columns }: { columns: readonly ColumnStats[] }) {
  return (
    <table className="data-table" aria-label="Schema">
      <thead>
        <tr>
          <th scope="col">Column</th>
          <th scope="col">Type</th>
          <th scope="col">Nulls</th>
          <th scope="col">Distinct</th>
          <th scope="col">Min</th>
          <th scope="col">Max</th>
          <th scope="col">Mean</th>
          <th scope="col">Std</th>
        </tr>
      </thead>
      <tbody>
        {columns.map((column) => (
          <tr key={column.name}>
            <th scope="row">{column.name}</th>
            <td>
              <code>{column.type}</code>
            </td>
            <td className="numeric">
              {formatCount(column.nullCount)} of {formatCount(column.count)}
            </td>
            <td className="numeric">
              {column.distinctEstimate === null ? '—' : `≈${formatCount(column.distinctEstimate)}`}
            </td>
            <td>{column.min ?? '—'}</td>
            <td>{column.max ?? '—'}</td>
            <td className="numeric">{formatStatistic(column.mean)}</td>
            <td className="numeric">{formatStatistic(column.std)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The first rows of the first file with rows; a null value shows as "null". */
export function PreviewTable({ preview }: { preview: DatasetVersionDetail['preview'] }) {
  if (preview.columns.length === 0) return <p>No rows to preview.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table preview-table" aria-label="Preview">
        <thead>
          <tr>
            {preview.columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row, rowIndex) => (
            <tr key={rowIndex}>
              {row.map((value, columnIndex) => (
                <td key={columnIndex} className={value === null ? 'null-value' : undefined}>
                  {value ?? 'null'}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CountsTable({ label, counts }: { label: string; counts: DatasetImages['classes'] }) {
  return (
    <table className="data-table counts-table" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">{label === 'Classes' ? 'Class' : 'Split'}</th>
          <th scope="col">Images</th>
        </tr>
      </thead>
      <tbody>
        {counts.map((count) => (
          <tr key={count.name}>
            <th scope="row">{count.name}</th>
            <td className="numeric">{formatCount(count.count)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Image archives: images per class and split, and a grid of thumbnails with their labels. */
export function ImagesSection({ images }: { images: DatasetImages }) {
  return (
    <section aria-labelledby="images-title">
      <h3 id="images-title">Images</h3>
      <p>
        {formatCount(images.count)} images in {images.classes.length}{' '}
        {images.classes.length === 1 ? 'class' : 'classes'}
        {images.splits.length > 0 && ` and ${images.splits.length} ${images.splits.length === 1 ? 'split' : 'splits'}`}.
      </p>
      <div className="image-counts">
        {images.classes.length > 0 && <CountsTable label="Classes" counts={images.classes} />}
        {images.splits.length > 0 && <CountsTable label="Splits" counts={images.splits} />}
      </div>
      <ul className="thumbnail-grid" aria-label="Thumbnails">
        {images.thumbnails.map((thumbnail) => (
          <li key={thumbnail.path}>
            <figure>
              <img src={thumbnail.url} alt={thumbnail.path} loading="lazy" />
              <figcaption>
                <span className="thumbnail-label">{thumbnail.label ?? 'no label'}</span>
                <span className="hint">
                  {thumbnail.width}×{thumbnail.height}
                </span>
              </figcaption>
            </figure>
          </li>
        ))}
      </ul>
    </section>
  );
}
