import { useCallback, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorAlert } from '../graphql/ErrorAlert';
import { ShellLink } from '../shell/navigation';
import { ArtifactsBrowser } from './ArtifactsBrowser';
import { formatDuration, formatTime, runLabel } from './format';
import { RUN, RUN_UPDATED_SOURCE, type RunDetail, type RunRow, type RunUpdatedEvent } from './operations';
import { EXPERIMENTS_PATH, experimentPath, runPath } from './paths';
import { isSystemTag, KeyValueTable, MetricsTable, RunLink } from './RunDetails';
import { RunMetricCharts } from './RunMetricCharts';
import { RunStatusBadge } from './RunStatusBadge';
import { useLiveStream } from './useLiveStream';

type Children = RunDetail['children'];

/** The run's summary: status, times, who ran it, where it came from, its parent and children. */
function RunSummary({ run, childRuns }: { run: RunRow & Partial<RunDetail>; childRuns: Children }) {
  return (
    <dl className="dataset-summary run-summary">
      <dt>Status</dt>
      <dd>
        <RunStatusBadge status={run.status} deleted={run.deleted} />
      </dd>
      <dt>Started</dt>
      <dd>{formatTime(run.startTime)}</dd>
      <dt>Ended</dt>
      <dd>{formatTime(run.endTime)}</dd>
      <dt>Duration</dt>
      <dd>{formatDuration(run.startTime, run.endTime)}</dd>
      <dt>Run id</dt>
      <dd>
        <code>{run.id}</code>
      </dd>
      {run.userId && (
        <>
          <dt>User</dt>
          <dd>
            <code>{run.userId}</code>
          </dd>
        </>
      )}
      {run.sourceJobId && (
        <>
          <dt>Training job</dt>
          <dd>
            <code>{run.sourceJobId}</code>
          </dd>
        </>
      )}
      {run.parentRunId && (
        <>
          <dt>Parent run</dt>
          <dd>
            <RunLink id={run.parentRunId} to={runPath(run.parentRunId)} />
          </dd>
        </>
      )}
      {childRuns.length > 0 && (
        <>
          <dt>Child runs</dt>
          <dd>
            <ul className="child-runs">
              {childRuns.map((child) => (
                <li key={child.id}>
                  <RunLink id={child.id} name={child.name} to={runPath(child.id)} />{' '}
                  <RunStatusBadge status={child.status} />
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
      {run.artifactUri && (
        <>
          <dt>Artifact URI</dt>
          <dd>
            <code>{run.artifactUri}</code>
          </dd>
        </>
      )}
    </dl>
  );
}

/**
 * A run: status and times (live), params, tags, metric charts that grow as the run logs, its
 * datasets, and its artifacts.
 */
export function RunPage({ runId }: { runId: string }) {
  const [result] = useQuery({ query: RUN, variables: { id: runId }, requestPolicy: 'cache-and-network' });
  const run = result.data?.run;
  // What `runUpdated` said since the page loaded: this run's latest state and its new children.
  const [liveRun, setLiveRun] = useState<RunRow | null>(null);
  const [liveChildren, setLiveChildren] = useState<Children>([]);

  const onRunUpdated = useCallback(
    (event: RunUpdatedEvent) => {
      if (event.runId === runId && event.run) setLiveRun(event.run);
      const updated = event.run;
      if (updated?.parentRunId === runId) {
        setLiveChildren((current) => [
          ...current.filter((child) => child.id !== updated.id),
          { id: updated.id, name: updated.name, status: updated.status },
        ]);
      }
    },
    [runId],
  );
  useLiveStream<RunUpdatedEvent>(
    RUN_UPDATED_SOURCE,
    'runUpdated',
    run ? { experimentId: run.experimentId } : null,
    onRunUpdated,
  );

  const shown = run ? { ...run, ...(liveRun ?? {}) } : null;
  const childRuns = run
    ? [
        ...run.children.map((child) => liveChildren.find((live) => live.id === child.id) ?? child),
        ...liveChildren.filter((live) => !run.children.some((child) => child.id === live.id)),
      ]
    : [];

  return (
    <section className="page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <ShellLink to={EXPERIMENTS_PATH}>Experiments</ShellLink> /{' '}
        {run && (
          <>
            <ShellLink to={experimentPath(run.experiment.id)}>{run.experiment.name}</ShellLink> /
          </>
        )}
      </p>
      <h2 id="page-title">{shown ? runLabel(shown) : 'Run'}</h2>
      {result.error && !result.data && <ErrorAlert error={result.error} />}
      {!result.data && !result.error && <p className="progress">Loading the run…</p>}
      {result.data && !run && (
        <p className="notice">
          There is no run <code>{runId}</code> in this organization. Find it from the{' '}
          <ShellLink to={EXPERIMENTS_PATH}>experiments</ShellLink>.
        </p>
      )}
      {shown && run && (
        <>
          <RunSummary run={shown} childRuns={childRuns} />
          <div className="run-columns">
            <section aria-labelledby="run-params-title">
              <h3 id="run-params-title">Params</h3>
              <KeyValueTable label="Params" entries={shown.params} empty="No params logged." />
            </section>
            <section aria-labelledby="run-tags-title">
              <h3 id="run-tags-title">Tags</h3>
              <KeyValueTable
                label="Tags"
                entries={shown.tags.filter((tag) => !isSystemTag(tag))}
                empty="No tags of its own."
              />
              {shown.tags.some(isSystemTag) && (
                <details>
                  <summary>System tags ({shown.tags.filter(isSystemTag).length})</summary>
                  <KeyValueTable label="System tags" entries={shown.tags.filter(isSystemTag)} empty="" />
                </details>
              )}
            </section>
          </div>
          <h3>Metrics</h3>
          <MetricsTable metrics={shown.metrics} />
          <RunMetricCharts runId={run.id} />
          {run.inputs.length > 0 && (
            <>
              <h3>Datasets</h3>
              <table className="data-table" aria-label="Datasets used">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Digest</th>
                    <th scope="col">Source</th>
                  </tr>
                </thead>
                <tbody>
                  {run.inputs.map((input) => (
                    <tr key={`${input.name}:${input.digest}`}>
                      <th scope="row">{input.name}</th>
                      <td>
                        <code>{input.digest}</code>
                      </td>
                      <td>
                        {input.sourceType}: <code>{input.source}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          <ArtifactsBrowser runId={run.id} refreshKey={shown.status} />
        </>
      )}
    </section>
  );
}
