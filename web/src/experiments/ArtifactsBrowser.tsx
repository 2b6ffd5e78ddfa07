import { useEffect, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { formatBytes } from './format';
import { RUN_ARTIFACTS } from './operations';

function baseName(path: string): string {
  return path.split('/').filter(Boolean).at(-1) ?? path;
}

/**
 * A run's artifacts one folder at a time: folders open in place, files download from storage. A
 * change of `refreshKey` (the run's status, live) lists them again: scripts log artifacts last.
 */
export function ArtifactsBrowser({ runId, refreshKey }: { runId: string; refreshKey?: string }) {
  const [path, setPath] = useState('');
  const [result, reexecute] = useQuery({
    query: RUN_ARTIFACTS,
    variables: { id: runId, path },
    requestPolicy: 'network-only',
  });
  const seenKey = useRef(refreshKey);
  useEffect(() => {
    if (seenKey.current === refreshKey) return;
    seenKey.current = refreshKey;
    reexecute({ requestPolicy: 'network-only' });
  }, [refreshKey, reexecute]);
  const entries = result.data?.run?.artifacts ?? [];
  const segments = path.split('/').filter(Boolean);
  const sorted = [...entries].sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.path.localeCompare(b.path));

  return (
    <section aria-labelledby="run-artifacts-title">
      <h3 id="run-artifacts-title">Artifacts</h3>
      <nav className="artifact-path" aria-label="Artifact folder">
        <button type="button" className="link-button" onClick={() => setPath('')} disabled={path === ''}>
          artifacts
        </button>
        {segments.map((segment, index) => (
          <span key={index}>
            {' / '}
            <button
              type="button"
              className="link-button"
              disabled={index === segments.length - 1}
              onClick={() => setPath(segments.slice(0, index + 1).join('/'))}
            >
              {segment}
            </button>
          </span>
        ))}
      </nav>
      {result.error && <ErrorAlert error={result.error} />}
      {result.fetching && !result.data && <p className="progress">Loading artifacts…</p>}
      {result.data && entries.length === 0 && (
        <p>{path ? 'This folder is empty.' : 'No artifacts logged (mlflow.log_artifact puts them here).'}</p>
      )}
      {entries.length > 0 && (
        <table className="data-table artifacts-table" aria-label="Artifacts">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Size</th>
              <th scope="col">Download</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((entry) => (
              <tr key={entry.path}>
                <th scope="row">
                  {entry.isDir ? (
                    <button type="button" className="link-button" onClick={() => setPath(entry.path)}>
                      {baseName(entry.path)}/
                    </button>
                  ) : (
                    <code>{baseName(entry.path)}</code>
                  )}
                </th>
                <td className="numeric">{entry.isDir ? '' : formatBytes(entry.size)}</td>
                <td>
                  {entry.downloadUrl ? (
                    <a href={entry.downloadUrl} download={baseName(entry.path)} aria-label={`Download ${entry.path}`}>
                      Download
                    </a>
                  ) : (
                    ''
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
