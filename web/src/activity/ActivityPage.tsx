import { ACTIVITY_FEED_LIMIT } from './operations';
import { useOrganizationEvents, type ActivityConnection } from './useOrganizationEvents';

const CONNECTION_LABELS: Record<ActivityConnection, { text: string; className: string }> = {
  connecting: { text: 'connecting', className: 'badge badge-pending' },
  live: { text: 'live', className: 'badge badge-ok' },
  reconnecting: { text: 'reconnecting', className: 'badge badge-pending' },
  stopped: { text: 'stopped', className: 'badge badge-bad' },
};

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

/** What happens in the active organization, live: newest first, as members see it. */
export function ActivityPage() {
  const { events, connection, problem } = useOrganizationEvents();
  const label = CONNECTION_LABELS[connection];

  return (
    <section className="page" aria-labelledby="page-title">
      <h2 id="page-title">Activity</h2>
      <p>
        What members and API keys do in this organization, as it happens (the latest {ACTIVITY_FEED_LIMIT} events since
        this page opened). The audit log keeps everything.
      </p>
      <p role="status" aria-label="Feed connection">
        <span className={label.className}>{label.text}</span>
        {problem && <> {problem}</>}
      </p>
      <table className="data-table" aria-label="Activity">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {events.length === 0 && (
            <tr>
              <td colSpan={5}>Nothing has happened since this page opened.</td>
            </tr>
          )}
          {events.map((event) => (
            <tr key={event.cursor} className={event.result === 'success' ? undefined : 'failed'}>
              <td>{new Date(event.createdAt).toLocaleString()}</td>
              <td>
                <KindAndId kind={event.actorKind} id={event.actorId} />
              </td>
              <th scope="row">{event.action}</th>
              <td>
                <KindAndId kind={event.targetType} id={event.targetId} />
              </td>
              <td>{event.result}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
