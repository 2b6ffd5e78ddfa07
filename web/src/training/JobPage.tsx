import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { ArtifactsBrowser } from '../experiments/ArtifactsBrowser';
import { runPath } from '../experiments/paths';
import { RunMetricCharts } from '../experiments/RunMetricCharts';
import { LiveIndicator } from '../experiments/LiveIndicator';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { useApiMutation } from '../graphql/operations';
import { formatTime } from '../shell/format';
import { ShellLink } from '../shell/navigation';
import { AttemptsTable } from './AttemptsTable';
import { JobStatusBadge } from './JobStatusBadge';
import { LogViewer } from './LogViewer';
import {
  CANCEL_TRAINING_JOB,
  isFinal,
  isRetryable,
  RETRY_TRAINING_JOB,
  TRAINING_JOB,
  type JobDetail,
} from './operations';
import { TRAINING_PATH } from './paths';
import { specToYaml } from './spec-yaml';
import { useJobStatus } from './useJobStatus';
import './training.css';

/** Cancel (while the job has not ended) and Retry (once it failed, was cancelled or timed out). */
function JobActions({
  job,
  status,
  onChanged,
}: {
  job: JobDetail;
  status: JobDetail['status'];
  onChanged: () => void;
}) {
  const cancel = useApiMutation(CANCEL_TRAINING_JOB);
  const retry = useApiMutation(RETRY_TRAINING_JOB);
  const [problem, setProblem] = useState<string | null>(null);
  async function act(action: (variables: { id: string }) => Promise<{ ok: true } | { ok: false; message: string }>) {
    setProblem(null);
    const outcome = await action({ id: job.id });
    if (!outcome.ok) setProblem(outcome.message);
    onChanged();
  }
  return (
    <>
      <div className="job-actions">
        <button
          type="button"
          disabled={isFinal(status) || job.cancelRequested || cancel.fetching}
          onClick={() => void act(cancel.run)}
        >
          {job.cancelRequested && !isFinal(status) ? 'Cancelling…' : 'Cancel'}
        </button>
        <button type="button" disabled={!isRetryable(status) || retry.fetching} onClick={() => void act(retry.run)}>
          Retry
        </button>
      </div>
      <ErrorAlert error={problem} />
    </>
  );
}

/** The job's summary: status (live), why, backend, times, its run. */
function JobSummary({ job, live }: { job: JobDetail; live: ReturnType<typeof useJobStatus> }) {
  const message = live.message ?? job.message;
  return (
    <dl className="dataset-summary">
      <dt>Status</dt>
      <dd>
        <JobStatusBadge status={live.status} /> <LiveIndicator state={live.live} />
      </dd>
      {message && (
        <>
          <dt>Message</dt>
          <dd data-testid="job-message">{message}</dd>
        </>
      )}
      {job.hint && (
        <>
          <dt>Hint</dt>
          <dd>{job.hint}</dd>
        </>
      )}
      <dt>Backend</dt>
      <dd>{job.backend}</dd>
      <dt>Attempts</dt>
      <dd>
        {live.attempts} (up to {job.maxRetries + 1})
      </dd>
      <dt>Created</dt>
      <dd>{formatTime(job.createdAt)}</dd>
      <dt>Started</dt>
      <dd>{formatTime(job.startedAt)}</dd>
      <dt>Ended</dt>
      <dd>{formatTime(job.endedAt)}</dd>
      <dt>Run</dt>
      <dd>{job.runId ? <ShellLink to={runPath(job.runId)}>{job.runId}</ShellLink> : '—'}</dd>
    </dl>
  );
}

/**
 * A training job: its status with live transitions, attempts, spec, the linked run's metric
 * charts and artifacts, Cancel and Retry, and the live log.
 */
export function JobPage({ jobId }: { jobId: string }) {
  const [result, reexecute] = useQuery({
    query: TRAINING_JOB,
    variables: { id: jobId },
    requestPolicy: 'cache-and-network',
  });
  const job = result.data?.trainingJob;
  const live = useJobStatus(
    job ?? { id: jobId, status: 'PENDING', attemptCount: 0, updatedAt: new Date(0).toISOString() },
    Boolean(job),
  );
  // Each transition changes attempts, times and messages: read the job again.
  const eventCursor = live.lastEvent?.cursor;
  useEffect(() => {
    if (eventCursor) reexecute({ requestPolicy: 'network-only' });
  }, [eventCursor, reexecute]);

  return (
    <section className="page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <ShellLink to={TRAINING_PATH}>Training</ShellLink> /
      </p>
      <h2 id="page-title">{job?.name ?? 'Training job'}</h2>
      {result.error && !result.data && <ErrorAlert error={result.error} />}
      {!result.data && !result.error && <p className="progress">Loading the job…</p>}
      {result.data && !job && (
        <p className="notice">
          There is no training job <code>{jobId}</code> in this organization. Find it in the{' '}
          <ShellLink to={TRAINING_PATH}>jobs list</ShellLink>.
        </p>
      )}
      {job && (
        <>
          <JobSummary job={job} live={live} />
          <JobActions job={job} status={live.status} onChanged={() => reexecute({ requestPolicy: 'network-only' })} />
          <LogViewer jobId={job.id} />
          <h3>Attempts</h3>
          <AttemptsTable attempts={job.attempts} />
          {job.runId && <RunMetricCharts runId={job.runId} />}
          {job.runId && <ArtifactsBrowser runId={job.runId} refreshKey={live.status} />}
          <details>
            <summary>Spec</summary>
            <pre className="job-spec" aria-label="Job spec">
              {specToYaml(job.spec)}
            </pre>
          </details>
        </>
      )}
    </section>
  );
}
