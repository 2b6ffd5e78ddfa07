import { formatTime } from '../shell/format';
import { JobStatusBadge } from './JobStatusBadge';
import type { JobAttempt } from './operations';

/** A job's attempts, first to last, with how each ended and on which worker. */
export function AttemptsTable({ attempts }: { attempts: readonly JobAttempt[] }) {
  if (attempts.length === 0) return <p>No attempt has started yet.</p>;
  return (
    <table className="data-table" aria-label="Attempts">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Status</th>
          <th scope="col">Outcome</th>
          <th scope="col">Exit code</th>
          <th scope="col">Started</th>
          <th scope="col">Ended</th>
          <th scope="col">Worker</th>
          <th scope="col">Message</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((attempt) => (
          <tr key={attempt.number}>
            <th scope="row">{attempt.number}</th>
            <td>
              <JobStatusBadge status={attempt.status} />
            </td>
            <td>{attempt.outcome ?? '—'}</td>
            <td className="numeric">{attempt.exitCode ?? '—'}</td>
            <td>{formatTime(attempt.startedAt)}</td>
            <td>{formatTime(attempt.endedAt)}</td>
            <td>{attempt.workerId ? <code>{attempt.workerId}</code> : '—'}</td>
            <td>
              {attempt.message}
              {attempt.hint && <span className="hint"> {attempt.hint}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
