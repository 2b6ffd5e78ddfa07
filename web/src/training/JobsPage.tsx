import { useState } from 'react';
import { useQuery } from 'urql';
import { formatTime } from '../shell/format';
import { ShellLink } from '../shell/navigation';
import { PagedRows } from '../shell/PagedRows';
import { JobStatusBadge } from './JobStatusBadge';
import { isFinal, JOB_STATUSES, JOBS_PAGE_SIZE, TRAINING_JOBS, type JobRow, type JobStatus } from './operations';
import { jobPath, NEW_JOB_PATH } from './paths';
import { useJobStatus } from './useJobStatus';
import './training.css';

const COLUMNS = 5;

/** A job row whose status and attempts follow `jobEvents` while the job has not ended. */
function JobListRow({ job }: { job: JobRow }) {
  const live = useJobStatus(job, !isFinal(job.status));
  return (
    <tr data-job-id={job.id}>
      <th scope="row">
        <ShellLink to={jobPath(job.id)}>{job.name}</ShellLink>
      </th>
      <td>
        <JobStatusBadge status={live.status} />
      </td>
      <td>{job.backend}</td>
      <td>{formatTime(job.createdAt)}</td>
      <td className="numeric">{live.attempts}</td>
    </tr>
  );
}

/** One page of the jobs list as a <tbody>; "Load more" adds the next one below it. */
function JobRows({
  status,
  after,
  isLastPage,
  onLoadMore,
}: {
  status: JobStatus | null;
  after: string | null;
  isLastPage: boolean;
  onLoadMore: (cursor: string) => void;
}) {
  const [result] = useQuery({
    query: TRAINING_JOBS,
    variables: { status, first: JOBS_PAGE_SIZE, after },
    requestPolicy: 'cache-and-network',
  });
  const page = result.data?.trainingJobs;
  return (
    <PagedRows
      columns={COLUMNS}
      error={result.error && !result.data ? result.error : undefined}
      loading="Loading training jobs…"
      items={page?.nodes}
      nextCursor={page?.hasNextPage ? page.endCursor : null}
      isFirstPage={after === null}
      isLastPage={isLastPage}
      empty={
        status
          ? `No ${status.toLowerCase().replace('_', ' ')} jobs.`
          : 'No training jobs yet. Submit one with "New job", or with `aitip jobs run -f job.yaml`.'
      }
      onLoadMore={onLoadMore}
      row={(job) => <JobListRow key={job.id} job={job} />}
    />
  );
}

/** The organization's training jobs, newest first, with live statuses and a status filter. */
export function JobsPage() {
  const [status, setStatus] = useState<JobStatus | null>(null);
  // One entry per loaded page: the cursor it starts after (null for the first).
  const [pageCursors, setPageCursors] = useState<(string | null)[]>([null]);
  // Bumped by "Refresh": jobs submitted elsewhere (the CLI, another tab) show up at the top.
  const [generation, setGeneration] = useState(0);

  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-heading">
        <h2 id="page-title">Training</h2>
        <ShellLink to={NEW_JOB_PATH} className="button-link">
          New job
        </ShellLink>
      </div>
      <p>
        Training jobs run your code on a backend (local processes, Docker or Kubernetes) and log to an experiment run.
      </p>
      <form className="filters" aria-label="Job filters" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="job-status-filter">Status</label>
          <select
            id="job-status-filter"
            value={status ?? ''}
            onChange={(event) => {
              setStatus((event.target.value || null) as JobStatus | null);
              setPageCursors([null]);
            }}
          >
            <option value="">All</option>
            {JOB_STATUSES.map((value) => (
              <option key={value} value={value}>
                {value.toLowerCase().replace('_', ' ')}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          onClick={() => {
            setPageCursors([null]);
            setGeneration((value) => value + 1);
          }}
        >
          Refresh
        </button>
      </form>
      <table className="data-table" aria-label="Training jobs">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Backend</th>
            <th scope="col">Created</th>
            <th scope="col">Attempts</th>
          </tr>
        </thead>
        {pageCursors.map((after, index) => (
          <JobRows
            key={`${generation}:${status ?? 'all'}:${after ?? 'first'}`}
            status={status}
            after={after}
            isLastPage={index === pageCursors.length - 1}
            onLoadMore={(cursor) => setPageCursors((cursors) => [...cursors, cursor])}
          />
        ))}
      </table>
    </section>
  );
}
