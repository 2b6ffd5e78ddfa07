import { useState } from 'react';
import { AuditEventRows } from './AuditEventRows';
import { AuditFilters } from './AuditFilters';
import type { AuditEventFilter } from './operations';

/** The organization's audit log: newest first, filtered, paged with "Load more". */
export function AuditPage() {
  const [filter, setFilter] = useState<AuditEventFilter>({});
  // One entry per loaded page: the cursor it starts after (null for the first).
  const [pageCursors, setPageCursors] = useState<(string | null)[]>([null]);
  // Bumped by Refresh and by new filters, so every page is asked for again.
  const [generation, setGeneration] = useState(0);

  function restart(next: AuditEventFilter) {
    setFilter(next);
    setPageCursors([null]);
    setGeneration((value) => value + 1);
  }

  return (
    <section className="page" aria-labelledby="page-title">
      <h2 id="page-title">Audit log</h2>
      <p>Every change made in this organization: who did it, to what, with what result. Events cannot be edited.</p>
      <AuditFilters onApply={restart} />
      <p>
        <button type="button" onClick={() => restart(filter)}>
          Refresh
        </button>
      </p>
      <table className="data-table" aria-label="Audit events">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Result</th>
            <th scope="col">Request id</th>
          </tr>
        </thead>
        {pageCursors.map((after, index) => (
          <AuditEventRows
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
