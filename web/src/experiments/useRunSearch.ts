import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import { describeApiError } from '../graphql/errors';
import { RUN_UPDATED_SOURCE, RUNS_PAGE_SIZE, SEARCH_RUNS, type RunRow, type RunUpdatedEvent } from './operations';
import { orderByFor, type RunSort } from './run-columns';
import { insertRun } from './run-order';
import { useLiveStream, type LiveStreamState } from './useLiveStream';

// Run changes that arrive live are applied together, at most this often.
const LIVE_APPLY_DELAY_MS = 200;
// Runs that arrive live are checked against the filter in batches, this long after the first.
const LIVE_CHECK_DELAY_MS = 300;
// At most this many run ids in one `attributes.run_id IN (…)` check.
const LIVE_CHECK_BATCH = 100;

/** What the runs table searches for. */
export interface RunQuery {
  experimentId: string;
  /** MLflow's filter language; empty for every run. */
  filter: string;
  sort: RunSort | null;
  includeDeleted: boolean;
}

export interface RunSearch {
  runs: RunRow[];
  /** Whether every matching run is loaded. */
  complete: boolean;
  loading: boolean;
  /** The API's message (a malformed filter names its offending token). */
  error: string | null;
  /** Loads the next page, unless one is loading or all are in. */
  loadMore: () => void;
  live: LiveStreamState;
}

interface SearchState {
  runs: RunRow[];
  nextCursor: string | null;
  complete: boolean;
  loading: boolean;
  error: string | null;
}

const STARTING: SearchState = { runs: [], nextCursor: null, complete: false, loading: true, error: null };

// Run ids are UUIDs; anything else cannot be one and is left out of a filter.
const RUN_ID = /^[A-Za-z0-9-]+$/;

/**
 * The runs of an experiment matching a filter, in pages the table loads as it scrolls, kept
 * current by `runUpdated`: changed runs are updated in place, new ones that match the filter
 * are put at their place in the order.
 */
export function useRunSearch(query: RunQuery): RunSearch {
  const client = useClient();
  const [state, setState] = useState<SearchState>(STARTING);
  const stateRef = useRef(state);
  stateRef.current = state;
  const generation = useRef(0);
  const queryRef = useRef(query);
  queryRef.current = query;
  const queryKey = JSON.stringify(query);

  const fetchPage = useCallback(
    async (after: string | null) => {
      const current = queryRef.current;
      const startedIn = generation.current;
      setState((previous) => ({ ...previous, loading: true }));
      const result = await client
        .query(
          SEARCH_RUNS,
          {
            experimentIds: [current.experimentId],
            filter: current.filter.trim() || null,
            orderBy: orderByFor(current.sort),
            includeDeleted: current.includeDeleted,
            first: RUNS_PAGE_SIZE,
            after,
          },
          { requestPolicy: 'network-only' },
        )
        .toPromise();
      if (startedIn !== generation.current) return;
      const page = result.data?.searchRuns;
      if (!page) {
        const error = result.error ? describeApiError(result.error) : 'The API answered without runs. Try again.';
        setState((previous) => ({ ...previous, loading: false, error }));
        return;
      }
      setState((previous) => {
        const known = new Set(previous.runs.map((run) => run.id));
        return {
          runs: [...previous.runs, ...page.items.filter((run) => !known.has(run.id))],
          nextCursor: page.nextCursor,
          complete: page.nextCursor === null,
          loading: false,
          error: null,
        };
      });
    },
    [client],
  );

  // Runs the table does not show yet, waiting to be checked against the filter.
  const pendingIds = useRef(new Set<string>());
  const checkTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(checkTimer.current), []);

  useEffect(() => {
    generation.current += 1;
    pendingIds.current.clear();
    setState(STARTING);
    void fetchPage(null);
  }, [fetchPage, queryKey]);

  const loadMore = useCallback(() => {
    const current = stateRef.current;
    if (current.loading || current.complete || current.error || !current.nextCursor) return;
    void fetchPage(current.nextCursor);
  }, [fetchPage]);

  const place = useCallback((runs: RunRow[]) => {
    const { sort, includeDeleted } = queryRef.current;
    setState((previous) => {
      let rows = previous.runs;
      for (const run of runs) {
        if (run.deleted && !includeDeleted) continue;
        if (rows.some((row) => row.id === run.id)) continue;
        rows = insertRun(rows, run, sort, previous.complete);
      }
      return rows === previous.runs ? previous : { ...previous, runs: rows };
    });
  }, []);

  const checkPending = useCallback(async () => {
    const startedIn = generation.current;
    const ids = [...pendingIds.current].filter((id) => RUN_ID.test(id)).slice(0, LIVE_CHECK_BATCH);
    pendingIds.current.forEach((id) => {
      if (!RUN_ID.test(id)) pendingIds.current.delete(id);
    });
    ids.forEach((id) => pendingIds.current.delete(id));
    if (ids.length === 0) return;
    if (pendingIds.current.size > 0) checkTimer.current = setTimeout(() => void checkPending(), LIVE_CHECK_DELAY_MS);
    const { experimentId, filter, sort, includeDeleted } = queryRef.current;
    const byId = `attributes.run_id IN (${ids.map((id) => `'${id}'`).join(', ')})`;
    const result = await client
      .query(
        SEARCH_RUNS,
        {
          experimentIds: [experimentId],
          filter: `${byId} and ${filter.trim()}`,
          orderBy: orderByFor(sort),
          includeDeleted,
          first: LIVE_CHECK_BATCH,
          after: null,
        },
        { requestPolicy: 'network-only' },
      )
      .toPromise();
    if (startedIn === generation.current && result.data) place(result.data.searchRuns.items);
  }, [client, place]);

  // Events wait here and are applied together, so a burst (or the replay of the stream when the
  // page subscribes) renders the table a few times rather than once per event.
  const queued = useRef<RunUpdatedEvent[]>([]);
  const applyTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(applyTimer.current), []);

  const applyQueued = useCallback(() => {
    // The latest event of each run says how it is now.
    const latest = new Map(queued.current.map((event) => [event.runId, event]));
    queued.current = [];
    const { filter, includeDeleted } = queryRef.current;
    if (stateRef.current.error) return;
    const shown = new Set(stateRef.current.runs.map((run) => run.id));
    setState((previous) => ({
      ...previous,
      runs: previous.runs.flatMap((run) => {
        const event = latest.get(run.id);
        if (!event) return [run];
        if (!event.run) return [{ ...run, status: event.status }];
        return event.run.deleted && !includeDeleted ? [] : [event.run];
      }),
    }));
    const unknown = [...latest.values()].filter((event) => !shown.has(event.runId));
    if (unknown.length === 0) return;
    if (!filter.trim()) {
      place(unknown.flatMap((event) => (event.run ? [event.run] : [])));
      return;
    }
    // Only the API can say whether a new run matches the filter: ask for the new ones together.
    const wasEmpty = pendingIds.current.size === 0;
    unknown.forEach((event) => pendingIds.current.add(event.runId));
    if (wasEmpty) {
      clearTimeout(checkTimer.current);
      checkTimer.current = setTimeout(() => void checkPending(), LIVE_CHECK_DELAY_MS);
    }
  }, [checkPending, place]);

  const onRunUpdated = useCallback(
    (event: RunUpdatedEvent) => {
      queued.current.push(event);
      if (applyTimer.current === undefined) {
        applyTimer.current = setTimeout(() => {
          applyTimer.current = undefined;
          applyQueued();
        }, LIVE_APPLY_DELAY_MS);
      }
    },
    [applyQueued],
  );

  const live = useLiveStream<RunUpdatedEvent>(
    RUN_UPDATED_SOURCE,
    'runUpdated',
    { experimentId: query.experimentId },
    onRunUpdated,
  );

  return { ...state, loadMore, live };
}
