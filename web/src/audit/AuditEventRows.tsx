import { useQuery } from 'urql';
import { PagedRows } from '../shell/PagedRows';
import { AUDIT_EVENTS, AUDIT_PAGE_SIZE, type AuditEventFilter } from './operations';

const COLUMNS = 6;

// Ids are long; a kind or type in words first, the id below it in small print.
function KindAndId({ kind, id }: { kind: string | null; id: string | null }) {
  if (!kind) return <>—</>;
  return (
    <>
      {kind}
      {id && <code className="audit-id">{id}</code>}
    </>
  );
}

/**
 * One page of the audit log as a <tbody>: each "Load more" adds one more of these, so earlier
 * pages stay as they were while the next one loads.
 */
export function AuditEventRows({
  filter,
  after,
  isLastPage,
  onLoadMore,
}: {
  filter: AuditEventFilter;
  after: string | null;
  isLastPage: boolean;
  onLoadMore: (cursor: string) => void;
}) {
  const [result] = useQuery({
    query: AUDIT_EVENTS,
    variables: { filter, first: AUDIT_PAGE_SIZE, after },
    // Events arrive all the time; a cached page would hide the newest ones.
    requestPolicy: 'network-only',
  });

  const page = result.data?.auditEvents;
  return (
    <PagedRows
      columns={COLUMNS}
      error={result.error}
      loading="Loading audit events…"
      items={page?.edges.map((edge) => edge.node)}
      nextCursor={page?.pageInfo.hasNextPage ? page.pageInfo.endCursor : null}
      isFirstPage={after === null}
      isLastPage={isLastPage}
      empty="No audit events match these filters."
      onLoadMore={onLoadMore}
      row={(event) => (
        <tr key={event.id} className={event.result === 'success' ? undefined : 'failed'}>
          <td>{new Date(event.createdAt).toLocaleString()}</td>
          <td>
            <KindAndId kind={event.actorKind} id={event.actorId} />
          </td>
          <th scope="row">{event.action}</th>
          <td>
            <KindAndId kind={event.targetType} id={event.targetId} />
          </td>
          <td>{event.errorCode ? `${event.result} (${event.errorCode})` : event.result}</td>
          <td>{event.requestId ? <code className="audit-id">{event.requestId}</code> : '—'}</td>
        </tr>
      )}
    />
  );
}
