import { useState } from 'react';
import { useViewer, viewerCan } from '../auth/viewer';
import { navigate } from '../shell/navigation';
import { CreateDatasetForm } from './CreateDatasetForm';
import { DatasetFilters } from './DatasetFilters';
import { DatasetRows } from './DatasetRows';
import type { DatasetFilter } from './operations';
import { datasetPath } from './paths';

/** The organization's datasets: filters, a "New dataset" form, and the list paged with "Load more". */
export function DatasetsPage() {
  const viewer = useViewer();
  const [filter, setFilter] = useState<DatasetFilter>({});
  // One entry per loaded page: the cursor it starts after (null for the first).
  const [pageCursors, setPageCursors] = useState<(string | null)[]>([null]);
  const [generation, setGeneration] = useState(0);
  const [creating, setCreating] = useState(false);

  function restart(next: DatasetFilter) {
    setFilter(next);
    setPageCursors([null]);
    setGeneration((value) => value + 1);
  }

  return (
    <section className="page" aria-labelledby="page-title">
      <h2 id="page-title">Datasets</h2>
      <p>
        Named collections of data (CSV, Parquet, JSON lines, image archives). Each upload that validates becomes an
        immutable version with its schema, statistics and a preview.
      </p>
      {viewerCan(viewer, 'datasets:write') &&
        (creating ? (
          <>
            <CreateDatasetForm onCreated={(id) => navigate(datasetPath(id))} />
            <p>
              <button type="button" onClick={() => setCreating(false)}>
                Cancel
              </button>
            </p>
          </>
        ) : (
          <p>
            <button type="button" onClick={() => setCreating(true)}>
              New dataset
            </button>
          </p>
        ))}
      <DatasetFilters onApply={restart} />
      <table className="data-table" aria-label="Datasets">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Format</th>
            <th scope="col">Versions</th>
            <th scope="col">Updated</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        {pageCursors.map((after, index) => (
          <DatasetRows
            key={`${generation}:${after ?? 'first'}`}
            filter={filter}
            after={after}
            isLastPage={index === pageCursors.length - 1}
            onLoadMore={(cursor) => setPageCursors((cursors) => [...cursors, cursor])}
          />
        ))}
      </table>
    </section>
  );
}
